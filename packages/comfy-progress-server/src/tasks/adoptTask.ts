import { ComfyProgressError } from '@comfy-progress/core'
import type { TaskRecord } from '../store/TaskStore.js'
import type { TakeoverClient } from './TaskOwnership.js'
import type { TaskRun } from './TaskRun.js'

/**
 * Starts following a taken-over task's prompt on `client`. ComfyClient's `follow` reconciles an id it
 * does not know through `/queue` and `/history`: a prompt that finished while no instance listened
 * ends at once with its outcome, one still queued or running goes on live (its frames now come to
 * `client`, connected under the prompt's client id). A task whose prompt id was never stored (its
 * instance died before submitting) ends with `COMFY_PROMPT_LOST`.
 *
 * @example
 * ```ts
 * adoptTask(run, record, takeoverClient)
 * ```
 */
export function adoptTask(run: TaskRun, record: TaskRecord, client: Partial<TakeoverClient>): void {
  const promptId = record.metadata.promptId
  if (promptId === undefined || typeof client.follow !== 'function') {
    run.submitFailed(
      new ComfyProgressError(
        'COMFY_PROMPT_LOST',
        'comfy-progress: the instance that followed this task stopped before its prompt was submitted.',
        { details: { taskId: record.taskId } },
      ),
    )
    return
  }
  run.promptId = promptId
  client.follow(promptId, run.onPromptEvent)
}
