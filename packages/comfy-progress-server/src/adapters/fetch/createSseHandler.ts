import { createSseRequestHandler, type SseHandlerOptions } from '../../sse/createSseRequestHandler.js'
import { type FetchRequestHandler, serve } from './serve.js'

/**
 * The SSE route for `fetch`-style runtimes: `GET /progress/:taskId` and `GET /progress?tasks=a,b,c`,
 * matched at the end of the path so it works under any prefix. Answers a streaming `Response`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { MemoryEventBus, MemoryTaskStore } from '@comfy-progress/server'
 * import { createSseHandler } from '@comfy-progress/server/fetch'
 *
 * const sse = createSseHandler({ store: new MemoryTaskStore(), bus: new MemoryEventBus() })
 * const app = new Hono()
 * app.get('/progress/:taskId', (c) => sse(c.req.raw))
 * // Next.js: export const GET = sse   (app/progress/[taskId]/route.ts)
 * ```
 */
export function createSseHandler(options: SseHandlerOptions): FetchRequestHandler {
  return serve(createSseRequestHandler(options))
}
