import { ComfyProgressError } from '@comfy-progress/core'

/** The defaults of {@link SubscriberLimiterOptions}. */
export const subscriberLimiterDefaults = Object.freeze({
  maxSubscribers: 10_000,
  maxSubscribersPerTask: 1000,
})

/** Options of {@link SubscriberLimiter}. */
export interface SubscriberLimiterOptions {
  /**
   * Cap on open SSE streams in this process.
   * @default 10000
   */
  readonly maxSubscribers?: number
  /**
   * Cap on open SSE streams that follow one task.
   * @default 1000
   */
  readonly maxSubscribersPerTask?: number
}

/**
 * Counts open SSE streams, in total and per task, and refuses new ones past the caps with
 * `TOO_MANY_SUBSCRIBERS`, so that memory stays bounded however many browsers connect.
 *
 * @example
 * ```ts
 * const limiter = new SubscriberLimiter({ maxSubscribersPerTask: 50 })
 * const release = limiter.acquire([taskId]) // throws TOO_MANY_SUBSCRIBERS past a cap
 * release()
 * ```
 */
export class SubscriberLimiter {
  readonly #max: number
  readonly #maxPerTask: number
  readonly #perTask = new Map<string, number>()
  #total = 0

  constructor(options: SubscriberLimiterOptions = {}) {
    this.#max = options.maxSubscribers ?? subscriberLimiterDefaults.maxSubscribers
    this.#maxPerTask = options.maxSubscribersPerTask ?? subscriberLimiterDefaults.maxSubscribersPerTask
  }

  /** Open streams in total. */
  get total(): number {
    return this.#total
  }

  /** Open streams that follow `taskId`. */
  countFor(taskId: string): number {
    return this.#perTask.get(taskId) ?? 0
  }

  /**
   * Takes one slot in total and one per task for a stream that follows `taskIds` (deduplicated);
   * returns the function that gives them back (idempotent). Throws `TOO_MANY_SUBSCRIBERS`, taking
   * nothing, when a cap is reached.
   */
  acquire(taskIds: readonly string[]): () => void {
    if (this.#total >= this.#max) {
      throw new ComfyProgressError('TOO_MANY_SUBSCRIBERS', undefined, {
        details: { limit: this.#max, scope: 'total' },
      })
    }
    for (const taskId of taskIds) {
      if (this.countFor(taskId) >= this.#maxPerTask) {
        throw new ComfyProgressError('TOO_MANY_SUBSCRIBERS', undefined, {
          details: { limit: this.#maxPerTask, scope: 'task', taskId },
        })
      }
    }
    this.#total++
    for (const taskId of taskIds) this.#perTask.set(taskId, this.countFor(taskId) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      this.#total--
      for (const taskId of taskIds) {
        const count = this.countFor(taskId) - 1
        if (count === 0) this.#perTask.delete(taskId)
        else this.#perTask.set(taskId, count)
      }
    }
  }
}
