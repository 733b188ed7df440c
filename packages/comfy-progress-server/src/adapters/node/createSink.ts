import type { ServerResponse } from 'node:http'
import type { Http2ServerResponse } from 'node:http2'
import type { SseSink } from '../../sse/SseSink.js'

/** A Node response in the compatibility API: `http`/`https` `ServerResponse` or `http2` `Http2ServerResponse`. */
export type NodeResponse = ServerResponse | Http2ServerResponse

/**
 * An SSE sink over a Node response. `write` returns the response's own backpressure answer (false once
 * its buffer passes the high-water mark) and the response's `drain` event resumes writing.
 */
export function createSink(res: NodeResponse, signal: AbortSignal): SseSink {
  // Both response classes have these members; the union's overloads just do not combine in TypeScript.
  const target = res as ServerResponse
  return {
    write: (chunk) => !target.destroyed && target.write(chunk),
    onDrain: (listener) => void target.on('drain', listener),
    close: () => void target.end(),
    abort: () => void target.destroy(),
    signal,
  }
}
