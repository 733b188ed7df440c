import { createSseRequestHandler, type SseHandlerOptions } from '../../sse/createSseRequestHandler.js'
import { type NodeRequestHandler, serve } from './serve.js'

/**
 * The SSE route for Node: `GET /progress/:taskId` and `GET /progress?tasks=a,b,c`, matched at the end
 * of the path so it works under any prefix. Works on HTTP/1.1 and HTTP/2.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { MemoryEventBus, MemoryTaskStore } from '@comfy-progress/server'
 * import { createSseHandler } from '@comfy-progress/server/node'
 *
 * const sse = createSseHandler({ store: new MemoryTaskStore(), bus: new MemoryEventBus() })
 * createServer((req, res) => void sse(req, res)).listen(3000)
 * // Express: app.get('/progress/:taskId', sse); app.get('/progress', sse)
 * ```
 */
export function createSseHandler(options: SseHandlerOptions): NodeRequestHandler {
  return serve(createSseRequestHandler(options))
}
