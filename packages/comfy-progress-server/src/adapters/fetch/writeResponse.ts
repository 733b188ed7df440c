import type { NeutralResponse } from '../../http/NeutralHttp.js'
import { createSink } from './createSink.js'

/** Turns a neutral response into a web `Response`; an SSE response gets a streaming body. */
export function writeResponse(response: NeutralResponse, signal: AbortSignal, cancel: () => void): Response {
  const init = { status: response.status, headers: response.headers }
  switch (response.kind) {
    case 'body':
      return new Response(response.body as string | Uint8Array<ArrayBuffer>, init)
    case 'empty':
      return new Response(null, init)
    case 'sse':
      return new Response(createSink(response.stream, signal, cancel), init)
  }
}
