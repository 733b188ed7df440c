/**
 * The neutral transport an SSE stream writes to: one HTTP response, whatever the framework. Each
 * adapter implements it in a few lines (Node `ServerResponse`/`Http2ServerResponse`; a web
 * `ReadableStream` behind a `Response`).
 *
 * An adapter author implements exactly this; everything else (ids, heartbeats, coalescing, dropping
 * a stuck consumer) is done by `SseStream` above it.
 */
export interface SseSink {
  /**
   * Writes one chunk. Returns `false` when the transport's buffer is full (backpressure): the stream
   * then stops writing until the drain listener runs. The chunk may be shared with other sinks and
   * must not be modified.
   */
  write(chunk: Uint8Array): boolean
  /** Registers the listener to call each time a full buffer has drained. Called once, at start. */
  onDrain(listener: () => void): void
  /**
   * Registers the listener to call once the connection is gone: the client went away, or the response
   * ended after `close`/`abort`. If it is already gone, the listener is called soon after. Called once,
   * at start. (A callback rather than an `AbortSignal`: a signal listener costs about 1 KB of heap per
   * connection, which matters at 10 000 subscribers.)
   */
  onClose(listener: () => void): void
  /** Ends the response normally, after what was written is flushed. Idempotent. */
  close(): void
  /** Tears the connection down without flushing: for a consumer that stopped reading. Idempotent. */
  abort(): void
}
