import type { TaskComfyClient } from './TaskManagerOptions.js'

/** Options of {@link BackendWatchdog}. */
export interface BackendWatchdogOptions {
  /** The backends to watch: a backend is reachable while its client's WebSocket is `connected`. */
  readonly backends: readonly { readonly id: string; readonly client: Pick<TaskComfyClient, 'state'> }[]
  /** How long a backend may stay unreachable before it counts as lost, in ms (`Infinity`: never). */
  readonly timeoutMs: number
  /**
   * Called at every check while a backend has been unreachable for `timeoutMs` or longer (so tasks
   * placed on it since the last check are caught too), with how long it has been unreachable.
   */
  readonly onLost: (backendId: string, unreachableMs: number) => void
  /** Called once when a backend reported lost is connected again. */
  readonly onBack?: (backendId: string) => void
  /**
   * A monotonic clock in ms.
   * @default performance.now
   */
  readonly now?: () => number
}

/**
 * Watches the ComfyUI backends' connection states and reports the ones unreachable for longer than
 * a timeout (a backend killed for good would otherwise leave its tasks waiting forever), and the
 * return of one reported lost. It checks a
 * few times per timeout (at most every 5 s, at least every 20 ms) on an unref'd timer.
 *
 * @example
 * ```ts
 * const watchdog = new BackendWatchdog({ backends, timeoutMs: 300_000, onLost: (id) => endTasksOn(id) })
 * watchdog.start()
 * ```
 */
export class BackendWatchdog {
  readonly #options: BackendWatchdogOptions
  readonly #now: () => number
  /** When each backend was first seen unreachable (absent while reachable). */
  readonly #downSince = new Map<string, number>()
  /** Backends reported lost in their current time down. */
  readonly #reported = new Set<string>()
  #timer: ReturnType<typeof setInterval> | null = null

  constructor(options: BackendWatchdogOptions) {
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
  }

  /** Starts checking (nothing happens with an infinite timeout). Idempotent. */
  start(): void {
    const { timeoutMs } = this.#options
    if (this.#timer !== null || !Number.isFinite(timeoutMs)) return
    const interval = Math.min(5_000, Math.max(20, Math.floor(timeoutMs / 5)))
    this.#timer = setInterval(() => this.check(), interval)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  /** Stops checking. Idempotent. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
  }

  /** Checks every backend once: notes the ones that went down, reports the ones down too long. */
  check(): void {
    const at = this.#now()
    for (const { id, client } of this.#options.backends) {
      if (client.state === 'connected') {
        this.#downSince.delete(id)
        if (this.#reported.delete(id)) this.#options.onBack?.(id)
        continue
      }
      const since = this.#downSince.get(id) ?? at
      this.#downSince.set(id, since)
      if (at - since >= this.#options.timeoutMs) {
        this.#reported.add(id)
        this.#options.onLost(id, at - since)
      }
    }
  }
}
