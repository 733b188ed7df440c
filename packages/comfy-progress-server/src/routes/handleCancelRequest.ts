import { jsonResponse } from '../http/jsonResponse.js'
import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import { matchTaskPath, requireMethod } from './matchTaskPath.js'

/**
 * `POST /tasks/:taskId/cancel`: removes a pending prompt from ComfyUI's queue or interrupts a running
 * one, and answers which: `202 {taskId, action: 'removed' | 'interrupted'}`; the `cancelled` event
 * follows on the stream. 409 `TASK_FINISHED` if the task already ended.
 */
export async function handleCancelRequest(
  request: NeutralRequest,
  tasks: Pick<TaskManager, 'cancel'>,
): Promise<NeutralResponse> {
  requireMethod(request.method, 'POST')
  const taskId = matchTaskPath(request.url, '/cancel')
  const action = await tasks.cancel(taskId)
  return jsonResponse(202, { taskId, action })
}
