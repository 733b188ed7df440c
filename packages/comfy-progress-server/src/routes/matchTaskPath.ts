import { ComfyProgressError } from '@comfy-progress/core'
import { isTaskId } from '../tasks/createTaskId.js'
import { parseRequestUrl } from '../http/parseRequestUrl.js'

/**
 * The task id of a `…/tasks/:taskId<suffix>` path (matched at the end, so routes mount under any
 * prefix). Throws `ROUTE_NOT_FOUND` if the path does not match and `INVALID_TASK_IDS` for a malformed id.
 */
export function matchTaskPath(url: string, suffix: '' | '/cancel' | '/preview'): string {
  const path = parseRequestUrl(url).pathname
  const match = new RegExp(`/tasks/([^/]*)${suffix}/?$`).exec(path)
  if (match === null) throw new ComfyProgressError('ROUTE_NOT_FOUND')
  const taskId = match[1]!
  const valid: boolean = isTaskId(taskId)
  if (valid) return taskId
  throw new ComfyProgressError('INVALID_TASK_IDS', undefined, { details: { taskId: taskId.slice(0, 64) } })
}

/** Throws `METHOD_NOT_ALLOWED` unless the request uses `method`. */
export function requireMethod(actual: string, method: 'GET' | 'POST'): void {
  if (actual !== method)
    throw new ComfyProgressError('METHOD_NOT_ALLOWED', undefined, { details: { allow: method } })
}
