import type { IncomingMessage } from 'node:http'
import type { Http2ServerRequest } from 'node:http2'
import type { NeutralRequest } from '../../http/NeutralHttp.js'

/** A Node request in the compatibility API: `http`/`https` `IncomingMessage` or `http2` `Http2ServerRequest`. */
export type NodeRequest = IncomingMessage | Http2ServerRequest

/** Translates a Node request into the neutral shape; `signal` aborts when the response closes. */
export function readRequest(req: NodeRequest, signal: AbortSignal): NeutralRequest {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()]
        if (value === undefined) return null
        return Array.isArray(value) ? value.join(', ') : value
      },
    },
    signal,
    httpVersion: req.httpVersionMajor,
  }
}
