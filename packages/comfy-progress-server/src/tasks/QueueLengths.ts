import type { ComfyClient } from '@comfy-progress/core'
import type { TaskComfyClient } from './TaskManagerOptions.js'

/** Options of {@link QueueLengths}. */
export interface QueueLengthsOptions {
  /** How old a known queue length may be before it is read again over HTTP, in ms. */
  readonly maxAgeMs: number
  /** The timeout of that read, in ms: {@link QueueLengths.read} never waits longer. */
  readonly timeoutMs: number
  /**
   * A monotonic clock in ms.
   * @default performance.now
   */
  readonly now?: () => number
}

/** A backend as {@link QueueLengths} sees it. */
export interface QueueLengthSource {
  readonly id: string
  readonly client: Pick<TaskComfyClient, 'queueRemaining' | 'api'> & Partial<Pick<ComfyClient, 'on'>>
}

interface Known {
  value: number | null
  /** When `value` was learnt (a status frame or an HTTP read); `-Infinity` before either. */
  at: number
  /** The HTTP read in flight, shared by concurrent `read` calls. */
  reading: Promise<void> | null
  /** When the last HTTP read failed or timed out; no new read for {@link RETRY_AFTER_FAILURE_MS}. */
  failedAt: number
}

/**
 * After a failed or timed-out read, how long `read` weighs the backend by its last known length
 * without asking again: a backend whose HTTP hangs costs one `create` the timeout, not every one.
 */
const RETRY_AFTER_FAILURE_MS = 1_000

/**
 * The queue lengths of several ComfyUI backends for `chooseBackend`. ComfyUI sends a `status` frame
 * only when its queue changes, and none before the WebSocket is open; when a backend's length is
 * unknown or older than `maxAgeMs` (no frame and no read since), `read` asks ComfyUI's
 * `GET /prompt` (`exec_info.queue_remaining`) with a timeout, and waits for it no longer than that
 * timeout: a backend that does not answer in time is weighed by its last known length.
 *
 * @example
 * ```ts
 * const lengths = new QueueLengths({ maxAgeMs: 15_000, timeoutMs: 250 })
 * for (const backend of backends) lengths.watch(backend)
 * const known = await lengths.read(backends) // Map id → length (null: still unknown)
 * ```
 */
export class QueueLengths {
  readonly #options: QueueLengthsOptions
  readonly #now: () => number
  readonly #known = new Map<string, Known>()
  readonly #unsubscribes: (() => void)[] = []

  constructor(options: QueueLengthsOptions) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
  }

  /** Starts noting the backend's `status` frames (when its client emits `queue` events). */
  watch({ id, client }: QueueLengthSource): void {
    const known = this.#entry(id)
    if (typeof client.on !== 'function') return
    this.#unsubscribes.push(
      client.on('queue', (value) => {
        known.value = value
        known.at = value === null ? Number.NEGATIVE_INFINITY : this.#now()
      }),
    )
  }

  /**
   * The backends' queue lengths, the stale ones read again over HTTP first (at most `timeoutMs`).
   * Never rejects: a failed read leaves the last known length (or the client's).
   */
  async read(backends: readonly QueueLengthSource[]): Promise<Map<string, number | null>> {
    const at = this.#now()
    const reads: Promise<void>[] = []
    for (const { id, client } of backends) {
      const known = this.#entry(id)
      if (at - known.at < this.#options.maxAgeMs) continue
      if (known.reading === null && at - known.failedAt < RETRY_AFTER_FAILURE_MS) continue
      if (typeof client.api?.getQueueRemaining !== 'function') continue
      known.reading ??= this.#fetch(known, client).finally(() => (known.reading = null))
      reads.push(known.reading)
    }
    if (reads.length > 0) await settleWithin(reads, this.#options.timeoutMs)
    const lengths = new Map<string, number | null>()
    for (const { id, client } of backends) {
      lengths.set(id, this.#entry(id).value ?? client.queueRemaining)
    }
    return lengths
  }

  /** Stops noting status frames. */
  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe()
  }

  async #fetch(known: Known, client: QueueLengthSource['client']): Promise<void> {
    const started = this.#now()
    try {
      const value = await client.api.getQueueRemaining({ timeoutMs: this.#options.timeoutMs })
      // A status frame that came while the read was in flight is as new; keep the newer.
      if (known.at <= started) {
        known.value = value
        known.at = this.#now()
      }
    } catch {
      // Unreachable or slow: the last known length stands; health is the breaker's business.
      known.failedAt = this.#now()
    }
  }

  #entry(id: string): Known {
    let known = this.#known.get(id)
    if (known === undefined) {
      known = {
        value: null,
        at: Number.NEGATIVE_INFINITY,
        reading: null,
        failedAt: Number.NEGATIVE_INFINITY,
      }
      this.#known.set(id, known)
    }
    return known
  }
}

/** Resolves when every promise settled or after `ms`, whichever comes first. */
async function settleWithin(promises: readonly Promise<void>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))
  try {
    await Promise.race([Promise.allSettled(promises), deadline])
  } finally {
    clearTimeout(timer)
  }
}
