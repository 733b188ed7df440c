import type { NeutralHandler } from '../../http/NeutralHttp.js'
import { readRequest } from './readRequest.js'
import { writeResponse } from './writeResponse.js'

/**
 * A request handler for runtimes and frameworks built on web `Request`/`Response`: Hono, Next.js route
 * handlers, Bun, Deno, Cloudflare-style `fetch` exports. The promise never rejects.
 */
export type FetchRequestHandler = (request: Request) => Promise<Response>

/** Wraps a neutral handler for `fetch`-style runtimes: request in, response out, nothing else. */
export function serve(handler: NeutralHandler): FetchRequestHandler {
  return async (request) => {
    const cancelled = new AbortController()
    const signal = AbortSignal.any([request.signal, cancelled.signal])
    const response = await handler(readRequest(request, signal))
    return writeResponse(response, signal, () => cancelled.abort())
  }
}
