import type { Timers } from '@comfy-progress/core'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { isTerminalEvent } from '../tasks/isTerminalEvent.js'

/** Options of {@link ProgressThrottle}. */
export interface ProgressThrottleOptions {
  /** Least time between two emitted events of the same status, in ms (500: at most 2 a second). */
  readonly intervalMs: number
  readonly timers: Timers
  /** Receives the events that pass, in order. */
  readonly emit: (entry: StoredTaskEvent) => void
}

/**
 * Thins one task's event stream for webhooks: events that repeat the previous status (`in-progress`
 * after `in-progress`, `queued` after `queued`) pass at most once per `intervalMs`, the latest one
 * winning: the first passes at once (leading edge), later ones wait, replacing each other, and the
 * last is emitted when the interval ends (trailing edge), so the receiver always ends up with the
 * newest state. A status change or a terminal event passes at once and discards a waiting one, which
 * it supersedes. Events after the terminal one are ignored.
 */
export class ProgressThrottle {
  readonly #options: ProgressThrottleOptions
  #lastStatus: string | null = null
  #lastEmitAt = Number.NEGATIVE_INFINITY
  #pending: StoredTaskEvent | null = null
  #timer: unknown = null
  #ended = false

  constructor(options: ProgressThrottleOptions) {
    this.#options = options
  }

  /** Offers the task's next event. */
  push(entry: StoredTaskEvent): void {
    if (this.#ended) return
    const status = entry.event.status
    const repeat = status === this.#lastStatus && !isTerminalEvent(entry.event)
    this.#lastStatus = status
    if (!repeat) {
      this.#cancelPending()
      this.#ended = isTerminalEvent(entry.event)
      this.#emit(entry)
      return
    }
    const wait = this.#lastEmitAt + this.#options.intervalMs - this.#options.timers.now()
    if (this.#pending === null && wait <= 0) {
      this.#emit(entry)
      return
    }
    this.#pending = entry
    this.#timer ??= this.#options.timers.setTimeout(() => this.#flush(), Math.max(0, wait))
  }

  /** Drops a waiting event and stops the timer. */
  close(): void {
    this.#ended = true
    this.#cancelPending()
  }

  #flush(): void {
    this.#timer = null
    const entry = this.#pending
    this.#pending = null
    if (entry !== null) this.#emit(entry)
  }

  #emit(entry: StoredTaskEvent): void {
    this.#lastEmitAt = this.#options.timers.now()
    this.#options.emit(entry)
  }

  #cancelPending(): void {
    if (this.#timer !== null) this.#options.timers.clearTimeout(this.#timer)
    this.#timer = null
    this.#pending = null
  }
}
