import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralHandler } from '../http/NeutralHttp.js'
import { withErrorResponses } from '../http/withErrorResponses.js'
import { createSseRequestHandler, type SseHandlerOptions } from '../sse/createSseRequestHandler.js'
import {
  createCancelRequestHandler,
  createGenerateRequestHandler,
  createHealthRequestHandler,
  createImageRequestHandler,
  createPreviewRequestHandler,
  createStatusRequestHandler,
  type GenerateHandlerOptions,
} from './createRouteHandlers.js'
import { parseRequestUrl } from '../http/parseRequestUrl.js'

/** Options of the all-routes handler: those of the generate and SSE routes. */
export interface RequestHandlerOptions extends GenerateHandlerOptions, Omit<SseHandlerOptions, 'tasks'> {}

/**
 * Every route in one handler, matched on the end of the path so that it mounts under any prefix:
 * `POST /generate`, `GET /progress/:taskId`, `GET /progress?tasks=…`, `GET /tasks/:taskId`,
 * `POST /tasks/:taskId/cancel`, `GET /tasks/:taskId/preview`, `GET /image/:filename`, `GET /health`.
 * Anything else is 404 `ROUTE_NOT_FOUND`.
 *
 * @example
 * ```ts
 * const handle = createRequestHandler({ tasks })
 * ```
 */
export function createRequestHandler(options: RequestHandlerOptions): NeutralHandler {
  const routes: [RegExp, NeutralHandler][] = [
    [/\/generate\/?$/, createGenerateRequestHandler(options)],
    [/\/progress(?:\/[^/]*)?\/?$/, createSseRequestHandler(options)],
    [/\/tasks\/[^/]*\/cancel\/?$/, createCancelRequestHandler(options)],
    [/\/tasks\/[^/]*\/preview\/?$/, createPreviewRequestHandler(options)],
    [/\/tasks\/[^/]*\/?$/, createStatusRequestHandler(options)],
    [/\/image\/[^/]+$/, createImageRequestHandler(options)],
    [/\/health\/?$/, createHealthRequestHandler(options)],
  ]
  return withErrorResponses(async (request) => {
    const path = parseRequestUrl(request.url).pathname
    for (const [pattern, handler] of routes) if (pattern.test(path)) return handler(request)
    throw new ComfyProgressError('ROUTE_NOT_FOUND')
  })
}
