import { withDefaults } from '../internal/withDefaults.js'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { isTerminalEvent } from '../tasks/isTerminalEvent.js'
import {
  encodeTaskEventFrame,
  encodeTaskEventFrameWithCursor,
  formatTaskEventBody,
} from './encodeTaskEventFrame.js'
import { formatSseComment, formatSseEvent } from './formatSseEvent.js'
import { formatStreamCursor, type StreamCursor } from './resumeFromLastEventId.js'
import type { SseSink } from './SseSink.js'

/** Timer functions, injected so that tests drive time. Core's `Timers` fits this shape. */
export interface SseTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Why a stream ended, as reported to `onEnd`. */
export type SseEndReason =
  /** Every followed task reached a terminal event and the client was sent it. */
  | 'finished'
  /** The client went away. */
  | 'client-closed'
  /** The client stopped reading for longer than `maxStallMs`, or its queue overflowed: dropped. */
  | 'dropped'
  /** The server closed the stream (`close()`), e.g. on shutdown. */
  | 'closed'

/** The defaults of {@link SseStreamOptions}. */
export const sseStreamDefaults = Object.freeze({
  retryMs: 3000,
  heartbeatMs: 15_000,
  maxStallMs: 30_000,
  maxQueuedBytes: 1024 * 1024,
})

/** Options of {@link SseStream}. */
export interface SseStreamOptions {
  /** The tasks the stream follows, validated and deduplicated. */
  readonly taskIds: readonly string[]
  /**
   * `seq`: each event's `id:` is its plain sequence number (a single-task stream); `cursor`: every
   * event's `id:` is the stream's cursor over all its tasks (see `formatStreamCursor`).
   */
  readonly idFormat: 'seq' | 'cursor'
  /** Where the client resumes from (its `Last-Event-ID`); events at or before are not sent again. */
  readonly resumeFrom?: StreamCursor
  /**
   * The `retry:` hint sent first, in ms: how long a browser waits before it reconnects.
   * @default 3000
   */
  readonly retryMs?: number
  /**
   * Interval of the `: ping` comment that keeps proxies and load balancers from closing the stream.
   * @default 15000
   */
  readonly heartbeatMs?: number
  /**
   * How long the client may leave a full buffer unread before it is dropped, in ms.
   * @default 30000
   */
  readonly maxStallMs?: number
  /**
   * Size of the events (in UTF-16 code units of their frames, about bytes) that may wait for a slow
   * client before it is dropped. Progress coalesces, so only very large payloads come near it.
   * @default 1048576
   */
  readonly maxQueuedBytes?: number
  /**
   * Timers for the heartbeat and the stall limit.
   * @default globalThis.setTimeout / clearTimeout
   */
  readonly timers?: SseTimers
  /** Called once when the stream ends, with the reason. */
  readonly onEnd?: (reason: SseEndReason) => void
}

interface QueueItem {
  entry: StoredTaskEvent
  bytes: number
}

const encoder = new TextEncoder()
const PING = encoder.encode(formatSseComment('ping'))
const DROPPED = encoder.encode(formatSseComment('dropped: SSE_CONSUMER_TOO_SLOW'))

const globalTimers: SseTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * One SSE connection: writes the `retry:` hint, then every event pushed to it (the task's current
 * state or the events after the client's `Last-Event-ID`, then live events), each with its `id:`, and
 * closes once every followed task has sent its terminal event. Heartbeat comments keep it alive.
 *
 * Writing never waits. While the client keeps up, every event is written at once. When the transport
 * signals backpressure, events wait in a bounded queue in which consecutive events of the same
 * non-terminal status coalesce to the latest (so progress coalesces and every status change is kept);
 * a client that stays stuck for `maxStallMs`, or whose queue passes `maxQueuedBytes`, is dropped with a
 * final comment. A slow client therefore never holds up the publisher or the other clients.
 *
 * @example
 * ```ts
 * const stream = new SseStream({ taskIds: [taskId], idFormat: 'seq' })
 * stream.push(record.latest)
 * stream.start(sink) // then bus.subscribe(taskId, (entry) => stream.push(entry))
 * ```
 */
export class SseStream {
  readonly #options: SseStreamOptions & typeof sseStreamDefaults & { timers: SseTimers }
  readonly #followed: ReadonlySet<string>
  /** Highest seq accepted per task (written or queued): later duplicates are ignored. */
  readonly #accepted = new Map<string, number>()
  /** Highest seq written per task: the stream's cursor. */
  readonly #written = new Map<string, number>()
  readonly #finishedTasks = new Set<string>()
  #queue: QueueItem[] = []
  /** The last queued item of each task, the only one a newer event may replace. */
  readonly #tails = new Map<string, QueueItem>()
  #queuedBytes = 0
  #sink: SseSink | null = null
  #congested = false
  #ended = false
  #heartbeat: unknown = undefined
  #stallTimer: unknown = undefined

  constructor(options: SseStreamOptions) {
    this.#options = withDefaults({ ...sseStreamDefaults, timers: globalTimers }, options)
    this.#followed = new Set(options.taskIds)
    for (const [taskId, seq] of options.resumeFrom ?? []) {
      if (!this.#followed.has(taskId)) continue
      this.#accepted.set(taskId, seq)
      this.#written.set(taskId, seq)
    }
  }

  /** Whether the stream has ended (finished, closed, dropped or left by the client). */
  get ended(): boolean {
    return this.#ended
  }

  /**
   * Offers an event. Events of tasks the stream does not follow, and events at or before what the
   * client already has, are ignored; so a caller may push the same event twice (replay, then live).
   * Before `start`, events wait in order.
   */
  push(entry: StoredTaskEvent): void {
    if (this.#ended || !this.#followed.has(entry.taskId)) return
    const accepted = this.#accepted.get(entry.taskId) ?? 0
    if (entry.seq <= accepted) {
      // The client already holds this terminal event (it resumed after it): the task is done for it.
      const resumed = this.#options.resumeFrom?.get(entry.taskId) ?? 0
      if (entry.seq <= resumed && isTerminalEvent(entry.event)) this.#markFinished(entry.taskId)
      return
    }
    this.#accepted.set(entry.taskId, entry.seq)
    if (this.#sink !== null && !this.#congested && this.#queue.length === 0) {
      this.#write(entry)
      return
    }
    this.#enqueue(entry)
  }

  /** Starts writing to `sink`: the `retry:` hint, what waits, then live events and heartbeats. */
  start(sink: SseSink): void {
    if (this.#sink !== null) return
    this.#sink = sink
    if (this.#ended) {
      sink.close()
      return
    }
    if (sink.signal.aborted) {
      this.#end('client-closed')
      return
    }
    sink.signal.addEventListener('abort', () => this.#end('client-closed'), { once: true })
    sink.onDrain(() => this.#drain())
    this.#send(encoder.encode(formatSseEvent({ retry: this.#options.retryMs })))
    this.#scheduleHeartbeat()
    this.#flush()
    this.#endIfFinished()
  }

  /** Ends the stream from the server side (e.g. on shutdown), flushing what was written. */
  close(): void {
    if (this.#ended) return
    this.#sink?.close()
    this.#end('closed')
  }

  #enqueue(entry: StoredTaskEvent): void {
    const tail = this.#tails.get(entry.taskId)
    const bytes = formatTaskEventBody(entry).length
    // Coalesce only once writing has started: a replay before start goes out complete and in order.
    if (
      this.#sink !== null &&
      tail !== undefined &&
      tail.entry.event.status === entry.event.status &&
      !isTerminalEvent(entry.event)
    ) {
      this.#queuedBytes += bytes - tail.bytes
      tail.entry = entry
      tail.bytes = bytes
    } else {
      const item: QueueItem = { entry, bytes }
      this.#queue.push(item)
      this.#tails.set(entry.taskId, item)
      this.#queuedBytes += bytes
    }
    // A replay before start is bounded by the store's log; the limit is for a client that stopped reading.
    if (this.#sink !== null && this.#queuedBytes > this.#options.maxQueuedBytes) this.#drop()
  }

  #flush(): void {
    let index = 0
    while (index < this.#queue.length && !this.#congested && !this.#ended) {
      const item = this.#queue[index++]!
      if (this.#tails.get(item.entry.taskId) === item) this.#tails.delete(item.entry.taskId)
      this.#queuedBytes -= item.bytes
      this.#write(item.entry)
    }
    if (this.#ended) return
    this.#queue = index === this.#queue.length ? [] : this.#queue.slice(index)
  }

  #write(entry: StoredTaskEvent): void {
    this.#written.set(entry.taskId, entry.seq)
    const frame =
      this.#options.idFormat === 'seq'
        ? encodeTaskEventFrame(entry)
        : encodeTaskEventFrameWithCursor(entry, formatStreamCursor(this.#options.taskIds, this.#written))
    this.#send(frame)
    if (isTerminalEvent(entry.event)) {
      this.#markFinished(entry.taskId)
      this.#endIfFinished()
    }
  }

  #send(chunk: Uint8Array): void {
    if (this.#sink!.write(chunk) || this.#congested) return
    this.#congested = true
    this.#stallTimer = this.#options.timers.setTimeout(() => this.#drop(), this.#options.maxStallMs)
  }

  #drain(): void {
    if (this.#ended || !this.#congested) return
    this.#congested = false
    this.#options.timers.clearTimeout(this.#stallTimer)
    this.#flush()
  }

  #scheduleHeartbeat(): void {
    this.#heartbeat = this.#options.timers.setTimeout(() => {
      if (this.#ended) return
      if (!this.#congested) this.#send(PING)
      this.#scheduleHeartbeat()
    }, this.#options.heartbeatMs)
  }

  #markFinished(taskId: string): void {
    this.#finishedTasks.add(taskId)
  }

  #endIfFinished(): void {
    if (this.#sink === null || this.#ended || this.#finishedTasks.size < this.#followed.size) return
    this.#sink.close()
    this.#end('finished')
  }

  #drop(): void {
    if (this.#ended) return
    if (this.#sink !== null) {
      this.#sink.write(DROPPED)
      this.#sink.abort()
    }
    this.#end('dropped')
  }

  #end(reason: SseEndReason): void {
    if (this.#ended) return
    this.#ended = true
    this.#options.timers.clearTimeout(this.#heartbeat)
    this.#options.timers.clearTimeout(this.#stallTimer)
    this.#queue = []
    this.#tails.clear()
    this.#queuedBytes = 0
    this.#options.onEnd?.(reason)
  }
}
