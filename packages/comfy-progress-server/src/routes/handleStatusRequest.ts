import { ComfyProgressError } from '@comfy-progress/core'
import { jsonResponse } from '../http/jsonResponse.js'
import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import { matchTaskPath, requireMethod } from './matchTaskPath.js'

/**
 * `GET /tasks/:taskId`: the task's latest event as JSON (the same payload the stream carries).
 * 404 `TASK_NOT_FOUND`, 410 `TASK_EXPIRED`; a task with no event yet answers 404 too.
 */
export async function handleStatusRequest(
  request: NeutralRequest,
  tasks: Pick<TaskManager, 'get'>,
): Promise<NeutralResponse> {
  requireMethod(request.method, 'GET')
  const taskId = matchTaskPath(request.url, '')
  const record = await tasks.get(taskId)
  if (record.latest === null)
    throw new ComfyProgressError('TASK_NOT_FOUND', undefined, { details: { taskId } })
  return jsonResponse(200, record.latest.event)
}
