import type { ComfyHttpApi } from './ComfyHttpApi.js'
import type { ComfyRequestOptions } from './httpRequest.js'

/** What {@link cancelPrompt} did. */
export type CancelResult = 'removed' | 'interrupted' | 'not-found'

/**
 * Cancels one prompt, and only that one: removes it from the queue if it is pending
 * (`POST /queue {delete}`), or interrupts it by id if it is running (`POST /interrupt {prompt_id}`,
 * so that no other prompt is hit). A prompt that starts running between the two steps is
 * interrupted; one that started and already finished in between is `not-found` (its history entry
 * tells what it did). `not-found` if ComfyUI has it in neither place (finished, deleted, or unknown).
 *
 * @example
 * ```ts
 * const result = await cancelPrompt(api, promptId) // 'removed' | 'interrupted' | 'not-found'
 * ```
 */
export async function cancelPrompt(
  api: Pick<ComfyHttpApi, 'getQueue' | 'deletePending' | 'interrupt' | 'getHistory'>,
  promptId: string,
  options?: ComfyRequestOptions,
): Promise<CancelResult> {
  const isIn = (items: readonly { promptId: string }[]) => items.some((item) => item.promptId === promptId)
  const queue = await api.getQueue(options)
  if (isIn(queue.pending)) {
    await api.deletePending([promptId], options)
    if (!isIn((await api.getQueue(options)).running)) {
      // Neither running nor, after the delete, pending: removed, unless it ran between the two reads
      // (ComfyUI writes the history entry before it leaves `running`).
      return (await api.getHistory(promptId, options)) === null ? 'removed' : 'not-found'
    }
  } else if (!isIn(queue.running)) {
    return 'not-found'
  }
  await api.interrupt(promptId, options)
  return 'interrupted'
}
