import type { ComfyHttpApi } from './ComfyHttpApi.js'
import type { ComfyRequestOptions } from './httpRequest.js'

/** What {@link cancelPrompt} did. */
export type CancelResult = 'removed' | 'interrupted' | 'not-found'

/**
 * Cancels one prompt, and only that one: removes it from the queue if it is pending
 * (`POST /queue {delete}`), or interrupts it by id if it is running (`POST /interrupt {prompt_id}`,
 * so that no other prompt is hit). A prompt that starts running between the two steps is
 * interrupted. `not-found` if ComfyUI has it in neither place (finished, deleted, or unknown).
 *
 * @example
 * ```ts
 * const result = await cancelPrompt(api, promptId) // 'removed' | 'interrupted' | 'not-found'
 * ```
 */
export async function cancelPrompt(
  api: Pick<ComfyHttpApi, 'getQueue' | 'deletePending' | 'interrupt'>,
  promptId: string,
  options?: ComfyRequestOptions,
): Promise<CancelResult> {
  const isIn = (items: readonly { promptId: string }[]) => items.some((item) => item.promptId === promptId)
  const queue = await api.getQueue(options)
  if (isIn(queue.pending)) {
    await api.deletePending([promptId], options)
    if (!isIn((await api.getQueue(options)).running)) return 'removed'
  } else if (!isIn(queue.running)) {
    return 'not-found'
  }
  await api.interrupt(promptId, options)
  return 'interrupted'
}
