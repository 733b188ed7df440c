import type { NeutralHandler } from '../../http/NeutralHttp.js'
import type { NodeResponse } from './createSink.js'
import { type NodeRequest, readRequest } from './readRequest.js'
import { writeResponse } from './writeResponse.js'

/**
 * A request handler for Node's `http`, `https` and `http2` (compatibility API) servers, and for any
 * framework that exposes them: Express, Koa (`ctx.req`, `ctx.res` with `ctx.respond = false`),
 * Fastify (`request.raw`, `reply.raw` after `reply.hijack()`). The promise never rejects.
 */
export type NodeRequestHandler = (req: NodeRequest, res: NodeResponse) => Promise<void>

/** Wraps a neutral handler for Node: request in, response out, nothing else. */
export function serve(handler: NeutralHandler): NodeRequestHandler {
  return async (req, res) => {
    const response = await handler(readRequest(req, res))
    writeResponse(res, response)
  }
}
