/**
 * `@comfy-progress/server/node`: the routes for Node's `http`, `https` and `http2` servers and the
 * frameworks built on them (Express, Fastify, Koa, Nest). Mirrors `@comfy-progress/server/fetch`:
 * same file names, same export names.
 *
 * @module
 */
export { createSseHandler } from './createSseHandler.js'
export type { NodeRequestHandler } from './serve.js'
export type { NodeRequest } from './readRequest.js'
export type { NodeResponse } from './createSink.js'
export type { SseHandlerOptions } from '../../sse/createSseRequestHandler.js'
