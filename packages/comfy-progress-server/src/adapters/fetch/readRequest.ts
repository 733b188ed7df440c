import type { NeutralRequest } from '../../http/NeutralHttp.js'

/** Translates a web `Request` into the neutral shape; `signal` aborts when the client goes away. */
export function readRequest(request: Request, signal: AbortSignal): NeutralRequest {
  // A web Request does not say which HTTP version carried it, so version-specific headers are left out.
  return { method: request.method, url: request.url, headers: request.headers, signal }
}
