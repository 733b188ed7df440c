import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import { matchTaskPath, requireMethod } from './matchTaskPath.js'

/**
 * `GET /tasks/:taskId/preview`: the latest live preview image of a running task, so that pages show the
 * picture forming without 100 KB frames on every stream (events carry `preview.url`, whose `?v=` changes
 * with each new picture). 404 `PREVIEW_NOT_AVAILABLE` before the first preview and after the end.
 */
export async function handlePreviewRequest(
  request: NeutralRequest,
  tasks: Pick<TaskManager, 'preview'>,
): Promise<NeutralResponse> {
  requireMethod(request.method, 'GET')
  const taskId = matchTaskPath(request.url, '/preview')
  const preview = await tasks.preview(taskId)
  return {
    kind: 'body',
    status: 200,
    headers: { 'Content-Type': preview.mimeType, 'Cache-Control': 'no-store' },
    body: preview.bytes,
  }
}
