import type { StoredTaskEvent } from '../store/TaskStore.js'
import { isTerminalEvent } from '../tasks/isTerminalEvent.js'
import {
  encodeTaskEventFrame,
  encodeTaskEventFrameWithCursor,
  formatTaskEventBody,
} from './encodeTaskEventFrame.js'
import { formatSseComment, formatSseEvent } from './formatSseEvent.js'
import { formatStreamCursor, type StreamCursor } from './resumeFromLastEventId.js'
import { SseHeartbeat } from './SseHeartbeat.js'
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
  coalesceAboveBytes: 64 * 1024,
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
   * Size of the waiting events (about bytes) above which progress starts to coalesce. Below it every
   * event is kept, so a burst (a replay after `Last-Event-ID`, a momentarily full socket) loses nothing.
   * @default 65536
   */
  readonly coalesceAboveBytes?: number
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
  /**
   * A heartbeat shared with other streams (one timer for all of them); `heartbeatMs` and `timers` then
   * apply to it, not to this stream.
   * @default a heartbeat of this stream's own
   */
  readonly heartbeat?: SseHeartbeat
  /** Called once when the stream ends, with the reason. */
  readonly onEnd?: (reason: SseEndReason) => void
}

interface QueueItem {
  entry: StoredTaskEvent
  bytes: number
  readonly position: TaskPosition
}

/** Where the stream stands on one of its tasks. */
interface TaskPosition {
  readonly taskId: string
  /** Highest seq accepted (written or queued): later duplicates are ignored. */
  accepted: number
  /** The client's `Last-Event-ID` position: a terminal event at or before it is already delivered. */
  readonly resumed: number
  finished: boolean
  /** The task's last queued item, the only one a newer event may replace. */
  tail: QueueItem | null
}

const PING = Buffer.from(formatSseComment('ping'))
const DROPPED = Buffer.from(formatSseComment('dropped: SSE_CONSUMER_TOO_SLOW'))
let lastRetry: { ms: number; frame: Uint8Array } | null = null

/** The `retry:` frame, encoded once for every stream with the same hint. */
function retryFrame(ms: number): Uint8Array {
  if (lastRetry?.ms !== ms) lastRetry = { ms, frame: Buffer.from(formatSseEvent({ retry: ms })) }
  return lastRetry.frame
}

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
 * signals backpressure, events wait in a queue; once more than `coalesceAboveBytes` wait, consecutive
 * events of the same non-terminal status coalesce to the latest (so progress coalesces, every status
 * change is kept, and the queue stays bounded);
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
  /** The caller's options, read with their defaults where used (not copied: one object less per stream). */
  readonly #options: SseStreamOptions
  readonly #timers: SseTimers
  readonly #positions: TaskPosition[]
  /** Positions by task id, for multi-task streams; a single-task stream compares one id instead. */
  readonly #byTaskId: Map<string, TaskPosition> | null
  /** Highest seq written per task, for multi-task streams only: their cursor. */
  readonly #written: Map<string, number> | null
  #heartbeat: SseHeartbeat | null = null
  #finishedCount = 0
  #queue: QueueItem[] = []
  #queuedBytes = 0
  #sink: SseSink | null = null
  #congested = false
  #ended = false
  #stallTimer: unknown = undefined

  constructor(options: SseStreamOptions) {
    this.#options = options
    this.#timers = options.timers ?? globalTimers
    this.#positions = options.taskIds.map((taskId) => {
      const resumed = options.resumeFrom?.get(taskId) ?? 0
      return { taskId, accepted: resumed, resumed, finished: false, tail: null }
    })
    this.#byTaskId =
      this.#positions.length === 1
        ? null
        : new Map(this.#positions.map((position) => [position.taskId, position]))
    this.#written =
      options.idFormat === 'seq'
        ? null
        : new Map(this.#positions.filter((p) => p.resumed > 0).map((p) => [p.taskId, p.resumed]))
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
    if (this.#ended) return
    const position =
      this.#byTaskId === null
        ? entry.taskId === this.#positions[0]!.taskId
          ? this.#positions[0]
          : undefined
        : this.#byTaskId.get(entry.taskId)
    if (position === undefined) return
    if (entry.seq <= position.accepted) {
      // The client already holds this terminal event (it resumed after it): the task is done for it.
      if (entry.seq <= position.resumed && isTerminalEvent(entry.event)) this.#markFinished(position)
      return
    }
    position.accepted = entry.seq
    if (this.#sink !== null && !this.#congested && this.#queue.length === 0) {
      this.#write(entry, position)
      return
    }
    this.#enqueue(entry, position)
  }

  /** Starts writing to `sink`: the `retry:` hint, what waits, then live events and heartbeats. */
  start(sink: SseSink): void {
    if (this.#sink !== null) return
    this.#sink = sink
    if (this.#ended) {
      sink.close()
      return
    }
    sink.onClose(() => this.#end('client-closed'))
    sink.onDrain(() => this.#drain())
    this.#send(retryFrame(this.#options.retryMs ?? sseStreamDefaults.retryMs))
    this.#heartbeat =
      this.#options.heartbeat ??
      new SseHeartbeat({
        intervalMs: this.#options.heartbeatMs ?? sseStreamDefaults.heartbeatMs,
        timers: this.#timers,
      })
    this.#heartbeat.add(this)
    this.#flush()
    this.#endIfFinished()
  }

  /** Ends the stream from the server side (e.g. on shutdown), flushing what was written. */
  close(): void {
    if (this.#ended) return
    this.#end('closed')
    this.#sink?.close()
  }

  #enqueue(entry: StoredTaskEvent, position: TaskPosition): void {
    const tail = position.tail
    const bytes = formatTaskEventBody(entry).length
    // Coalesce only once writing has started and a real backlog built up: bursts go out complete.
    if (
      this.#sink !== null &&
      this.#queuedBytes >= (this.#options.coalesceAboveBytes ?? sseStreamDefaults.coalesceAboveBytes) &&
      tail !== null &&
      tail.entry.event.status === entry.event.status &&
      !isTerminalEvent(entry.event)
    ) {
      this.#queuedBytes += bytes - tail.bytes
      tail.entry = entry
      tail.bytes = bytes
    } else {
      const item: QueueItem = { entry, bytes, position }
      this.#queue.push(item)
      position.tail = item
      this.#queuedBytes += bytes
    }
    // A replay before start is bounded by the store's log; the limit is for a client that stopped reading.
    const max = this.#options.maxQueuedBytes ?? sseStreamDefaults.maxQueuedBytes
    if (this.#sink !== null && this.#queuedBytes > max) this.#drop()
  }

  #flush(): void {
    let index = 0
    while (index < this.#queue.length && !this.#congested && !this.#ended) {
      const item = this.#queue[index++]!
      if (item.position.tail === item) item.position.tail = null
      this.#queuedBytes -= item.bytes
      this.#write(item.entry, item.position)
    }
    if (this.#ended) return
    this.#queue = index === this.#queue.length ? [] : this.#queue.slice(index)
  }

  #write(entry: StoredTaskEvent, position: TaskPosition): void {
    let frame: Uint8Array
    if (this.#written === null) {
      frame = encodeTaskEventFrame(entry)
    } else {
      this.#written.set(entry.taskId, entry.seq)
      frame = encodeTaskEventFrameWithCursor(entry, formatStreamCursor(this.#options.taskIds, this.#written))
    }
    this.#send(frame)
    if (isTerminalEvent(entry.event)) {
      this.#markFinished(position)
      this.#endIfFinished()
    }
  }

  #send(chunk: Uint8Array): void {
    if (this.#sink!.write(chunk) || this.#congested) return
    this.#congested = true
    const maxStallMs = this.#options.maxStallMs ?? sseStreamDefaults.maxStallMs
    this.#stallTimer = this.#timers.setTimeout(() => this.#drop(), maxStallMs)
  }

  #drain(): void {
    if (this.#ended || !this.#congested) return
    this.#congested = false
    this.#timers.clearTimeout(this.#stallTimer)
    this.#flush()
  }

  /** Writes the `: ping` comment, unless the stream has not started, has ended or is congested. */
  heartbeat(): void {
    if (this.#sink !== null && !this.#ended && !this.#congested) this.#send(PING)
  }

  #markFinished(position: TaskPosition): void {
    if (position.finished) return
    position.finished = true
    this.#finishedCount++
  }

  #endIfFinished(): void {
    if (this.#sink === null || this.#ended || this.#finishedCount < this.#positions.length) return
    // The reason first: a sink may report its own close synchronously.
    this.#end('finished')
    this.#sink.close()
  }

  #drop(): void {
    if (this.#ended) return
    this.#end('dropped')
    if (this.#sink !== null) {
      this.#sink.write(DROPPED)
      this.#sink.abort()
    }
  }

  #end(reason: SseEndReason): void {
    if (this.#ended) return
    this.#ended = true
    this.#heartbeat?.delete(this)
    this.#timers.clearTimeout(this.#stallTimer)
    this.#queue = []
    for (const position of this.#positions) position.tail = null
    this.#queuedBytes = 0
    this.#options.onEnd?.(reason)
  }
}
