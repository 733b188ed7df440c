import { jsonResponse } from '../http/jsonResponse.js'
import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import { requireMethod } from './matchTaskPath.js'

/**
 * `GET /health`: ComfyUI's connection and breaker state, its queue length and the task counts.
 * 200 when connected to ComfyUI (`status: 'ok'`), 503 otherwise, so load balancers can use it as a
 * readiness probe; the body says why either way.
 */
export async function handleHealthRequest(
  request: NeutralRequest,
  tasks: Pick<TaskManager, 'health'>,
): Promise<NeutralResponse> {
  requireMethod(request.method, 'GET')
  const health = await tasks.health()
  return jsonResponse(health.status === 'ok' ? 200 : 503, health)
}
