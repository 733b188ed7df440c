/**
 * `@comfy-progress/server/node`: the routes for Node's `http`, `https` and `http2` servers and the
 * frameworks built on them (Express, Fastify, Koa, Nest). Mirrors `@comfy-progress/server/fetch`:
 * same file names, same export names; switching is one import path.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { ComfyClient } from '@comfy-progress/core'
 * import { TaskManager } from '@comfy-progress/server'
 * import { createHandler } from '@comfy-progress/server/node'
 *
 * const tasks = new TaskManager({ client: new ComfyClient({ baseUrl: 'http://127.0.0.1:8188' }) })
 * createServer(createHandler({ tasks })).listen(3000)
 * // Express: app.use('/api', createHandler({ tasks })), with new TaskManager({ client, basePath: '/api' })
 * // Fastify: reply.hijack(); await handle(request.raw, reply.raw)   Koa: ctx.respond = false
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
export type { NodeRequestHandler } from './serve.js'
export type { NodeRequest } from './readRequest.js'
export type { NodeResponse } from './createSink.js'
