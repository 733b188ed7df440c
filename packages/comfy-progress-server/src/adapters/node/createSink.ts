import type { ServerResponse } from 'node:http'
import type { Http2ServerResponse } from 'node:http2'
import type { SseSink } from '../../sse/SseSink.js'

/** A Node response in the compatibility API: `http`/`https` `ServerResponse` or `http2` `Http2ServerResponse`. */
export type NodeResponse = ServerResponse | Http2ServerResponse

/**
 * An SSE sink over a Node response. `write` returns the response's own backpressure answer (false once
 * its buffer passes the high-water mark), its `drain` event resumes writing and its `close` event
 * (client gone, or response ended) ends the stream. A class, so that its methods are shared rather
 * than five closures per connection.
 */
export function createSink(res: NodeResponse): SseSink {
  return new NodeSink(res as ServerResponse) // both classes have these members; their union's overloads do not combine
}

class NodeSink implements SseSink {
  readonly #res: ServerResponse

  constructor(res: ServerResponse) {
    this.#res = res
  }

  write(chunk: Uint8Array): boolean {
    return !this.#res.destroyed && this.#res.write(chunk)
  }

  onDrain(listener: () => void): void {
    this.#res.on('drain', listener)
  }

  onClose(listener: () => void): void {
    if (this.#res.destroyed || this.#res.closed) queueMicrotask(listener)
    else this.#res.on('close', listener) // `close` fires once; `on` avoids `once`'s wrapper
  }

  close(): void {
    this.#res.end()
  }

  abort(): void {
    this.#res.destroy()
  }
}
