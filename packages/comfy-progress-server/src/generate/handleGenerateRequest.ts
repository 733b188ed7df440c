import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import { readJsonBody } from '../http/readJsonBody.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import type { CreateTaskRequest } from '../tasks/TaskManagerOptions.js'
import { jsonResponse } from '../http/jsonResponse.js'
import { parseRequestUrl } from '../http/parseRequestUrl.js'

/** Everything {@link handleGenerateRequest} needs. */
export interface GenerateRequestContext {
  readonly tasks: Pick<TaskManager, 'create'>
  readonly maxBodyBytes: number
  readonly prepare: (body: unknown, request: NeutralRequest) => CreateTaskRequest | Promise<CreateTaskRequest>
}

const GENERATE_PATH = /\/generate\/?$/

/**
 * `POST /generate`: reads and validates the JSON body (size limit, JSON, then `prepare`: required
 * fields and workflow shape), creates the task and answers `202 {taskId, statusUrl, progressUrl}` at
 * once, never waiting for ComfyUI. The URLs keep the prefix the route is mounted under.
 */
export async function handleGenerateRequest(
  request: NeutralRequest,
  context: GenerateRequestContext,
): Promise<NeutralResponse> {
  if (request.method !== 'POST') {
    throw new ComfyProgressError('METHOD_NOT_ALLOWED', undefined, { details: { allow: 'POST' } })
  }
  const path = parseRequestUrl(request.url).pathname
  const match = GENERATE_PATH.exec(path)
  if (match === null) throw new ComfyProgressError('ROUTE_NOT_FOUND')
  const prefix = path.slice(0, match.index)
  const body = await readJsonBody(request, context.maxBodyBytes)
  const { taskId } = await context.tasks.create(await context.prepare(body, request))
  return jsonResponse(202, {
    taskId,
    statusUrl: `${prefix}/tasks/${taskId}`,
    progressUrl: `${prefix}/progress/${taskId}`,
  })
}
