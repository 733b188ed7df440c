import { ComfyProgressError } from '@comfy-progress/core'
import type { SseSink } from '../../sse/SseSink.js'
import type { SseStream } from '../../sse/SseStream.js'

/** Bytes the response body may hold unread before `write` reports backpressure (as Node's sockets). */
const HIGH_WATER_MARK = 16 * 1024

/**
 * A web `ReadableStream` body that an SSE stream writes into. Backpressure comes from the stream's
 * queue: `write` reports `false` once `desiredSize` drops to 0, and the runtime's next `pull` (it read
 * from the queue) resumes writing. The runtime cancelling the body, or `signal` aborting, means the
 * client went away.
 */
export function createSink(
  stream: SseStream,
  signal: AbortSignal,
  cancel: () => void,
): ReadableStream<Uint8Array> {
  let onDrain = (): void => undefined
  let onClose = (): void => undefined
  let waiting = false
  let open = true
  const closed = () => {
    open = false
    onClose()
  }
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const sink: SseSink = {
          write(chunk) {
            if (!open) return false
            controller.enqueue(chunk)
            waiting = (controller.desiredSize ?? 0) <= 0
            return !waiting
          },
          onDrain: (listener) => void (onDrain = listener),
          onClose: (listener) => {
            onClose = listener
            if (!open) queueMicrotask(listener)
          },
          close() {
            if (!open) return
            controller.close()
            closed()
          },
          abort() {
            if (!open) return
            controller.error(new ComfyProgressError('SSE_CONSUMER_TOO_SLOW'))
            closed()
          },
        }
        // The client went away: end the body too, in case the runtime does not cancel it itself.
        signal.addEventListener('abort', () => sink.close(), { once: true })
        if (signal.aborted) sink.close()
        stream.start(sink)
      },
      pull() {
        if (!waiting) return
        waiting = false
        onDrain()
      },
      cancel() {
        if (!open) return
        closed()
        cancel()
      },
    },
    { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  )
}
