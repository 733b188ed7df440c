import type { NeutralHandler } from '../http/NeutralHttp.js'
import type { EventBus } from '../store/EventBus.js'
import type { TaskStore } from '../store/TaskStore.js'
import { handleSseRequest, type SseStreamEndInfo } from './handleSseRequest.js'
import { SseHeartbeat } from './SseHeartbeat.js'
import { sseStreamDefaults, type SseTimers } from './SseStream.js'
import { SubscriberLimiter, subscriberLimiterDefaults } from './SubscriberLimiter.js'

/** The defaults of {@link SseHandlerOptions}. */
export const sseHandlerDefaults = Object.freeze({
  maxTasksPerStream: 20,
  ...subscriberLimiterDefaults,
  ...sseStreamDefaults,
})

/** Where the SSE routes read tasks and live events: a `TaskManager`, or a store and bus pair. */
export interface TaskSource {
  readonly store: TaskStore
  readonly bus: EventBus
}

/** Options of the SSE route handler (`createSseHandler` in every adapter). */
export interface SseHandlerOptions {
  /**
   * Where tasks and live events come from: the `TaskManager`, or `{store, bus}` on an instance that
   * only serves streams.
   */
  readonly tasks: TaskSource
  /**
   * Cap on the tasks one `GET /progress?tasks=…` stream may follow (`TOO_MANY_TASK_IDS` beyond).
   * @default 20
   */
  readonly maxTasksPerStream?: number
  /**
   * Cap on open streams in this process (`TOO_MANY_SUBSCRIBERS` beyond).
   * @default 10000
   */
  readonly maxSubscribers?: number
  /**
   * Cap on open streams that follow one task (`TOO_MANY_SUBSCRIBERS` beyond).
   * @default 1000
   */
  readonly maxSubscribersPerTask?: number
  /**
   * The `retry:` hint sent first on every stream, in ms.
   * @default 3000
   */
  readonly retryMs?: number
  /**
   * Interval of the `: ping` heartbeat comment, in ms.
   * @default 15000
   */
  readonly heartbeatMs?: number
  /**
   * How long a client may leave a full buffer unread before it is dropped, in ms.
   * @default 30000
   */
  readonly maxStallMs?: number
  /**
   * Size of the events waiting for a slow client (about bytes) above which its progress coalesces.
   * @default 65536
   */
  readonly coalesceAboveBytes?: number
  /**
   * Size of the events that may wait for a slow client before it is dropped (about bytes).
   * @default 1048576
   */
  readonly maxQueuedBytes?: number
  /**
   * Timers for heartbeats and stall limits.
   * @default globalThis.setTimeout / clearTimeout
   */
  readonly timers?: SseTimers
  /** Called when a stream ends, with its tasks and the reason (finished, client-closed, dropped, closed). */
  readonly onStreamEnd?: (info: SseStreamEndInfo) => void
}

/**
 * The framework-neutral SSE route (`GET /progress/:taskId`, `GET /progress?tasks=a,b`) that both
 * adapters wrap. Useful directly for an adapter of another framework.
 *
 * @example
 * ```ts
 * const handle = createSseRequestHandler({ tasks })
 * const response = await handle({ method: 'GET', url: '/progress/' + taskId, headers, signal })
 * ```
 */
export function createSseRequestHandler(options: SseHandlerOptions): NeutralHandler {
  const limiter = new SubscriberLimiter(options)
  const context = {
    store: options.tasks.store,
    bus: options.tasks.bus,
    limiter,
    maxTasksPerStream: options.maxTasksPerStream ?? sseHandlerDefaults.maxTasksPerStream,
    streamOptions: {
      retryMs: options.retryMs,
      // One heartbeat timer for every stream of this handler.
      heartbeat: new SseHeartbeat({
        intervalMs: options.heartbeatMs ?? sseStreamDefaults.heartbeatMs,
        ...(options.timers === undefined ? {} : { timers: options.timers }),
      }),
      maxStallMs: options.maxStallMs,
      coalesceAboveBytes: options.coalesceAboveBytes,
      maxQueuedBytes: options.maxQueuedBytes,
      timers: options.timers,
    },
    onStreamEnd: options.onStreamEnd,
  }
  return (request) => handleSseRequest(request, context)
}
