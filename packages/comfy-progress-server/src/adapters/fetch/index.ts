/**
 * `@comfy-progress/server/fetch`: the routes for runtimes and frameworks built on web
 * `Request`/`Response` (Hono, Next.js route handlers, Bun, Deno). Mirrors `@comfy-progress/server/node`:
 * same file names, same export names.
 *
 * @module
 */
export { createSseHandler } from './createSseHandler.js'
export type { FetchRequestHandler } from './serve.js'
export type { SseHandlerOptions } from '../../sse/createSseRequestHandler.js'
