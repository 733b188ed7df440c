/**
 * `@comfy-progress/server/fetch`: the routes for runtimes and frameworks built on web
 * `Request`/`Response` (Hono, Next.js route handlers, Bun, Deno). Mirrors `@comfy-progress/server/node`:
 * same file names, same export names; switching is one import path.
 *
 * @example
 * ```ts
 * import { ComfyClient } from '@comfy-progress/core'
 * import { TaskManager } from '@comfy-progress/server'
 * import { createHandler } from '@comfy-progress/server/fetch'
 *
 * const tasks = new TaskManager({ client: new ComfyClient({ baseUrl: 'http://127.0.0.1:8188' }) })
 * const handle = createHandler({ tasks })
 * Bun.serve({ fetch: handle }) // Hono: app.all('/api/*', (c) => handle(c.req.raw))
 * ```
 *
 * @module
 */
export {
  createHandler,
  createGenerateHandler,
  createSseHandler,
  createStatusHandler,
  createCancelHandler,
  createPreviewHandler,
  createImageHandler,
  createHealthHandler,
} from './handlers.js'
export type { FetchRequestHandler } from './serve.js'
