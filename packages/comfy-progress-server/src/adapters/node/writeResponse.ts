import type { NeutralResponse } from '../../http/NeutralHttp.js'
import { createSink, type NodeResponse } from './createSink.js'

/** Sends a neutral response through a Node response; an SSE response starts streaming into it. */
export function writeResponse(res: NodeResponse, response: NeutralResponse): void {
  if (res.headersSent || res.destroyed) {
    if (response.kind === 'sse') response.stream.close()
    return
  }
  res.writeHead(response.status, response.headers)
  switch (response.kind) {
    case 'body':
      res.end(response.body)
      return
    case 'empty':
      res.end()
      return
    case 'sse':
      response.stream.start(createSink(res))
      return
  }
}
