import { ComfyProgressError, toComfyProgressError } from '../errors/ComfyProgressError.js'
import { type BackoffOptions, computeBackoffDelay } from '../retry/computeBackoffDelay.js'
import { MIN_RETRY_DELAY_MS } from './ComfyConnection.js'
import type { LogFunction } from './createLog.js'
import type { PromptOutcome } from './PromptEvent.js'
import type { PromptRouter } from './PromptRouter.js'
import { outcomeFromHistory } from './promptOutcome.js'
import { type ReconcileApi, type ReconcileVerdict, reconcileFromHistory } from './reconcileFromHistory.js'
import type { Timers } from './Timers.js'

/** What {@link Reconciler} needs from {@link ComfyClient}. */
export interface ReconcilerOptions {
  readonly api: ReconcileApi
  readonly router: PromptRouter
  readonly timers: Timers
  readonly backoff: BackoffOptions
  readonly log: LogFunction
  readonly onError: (error: ComfyProgressError) => void
  readonly isConnected: () => boolean
}

/** History lookups after a live success of a prompt that may have missed `executed` frames. */
const HISTORY_TRIES = 5
const HISTORY_RETRY_MS = 200

/**
 * Keeps {@link ComfyClient}'s prompts consistent with ComfyUI across reconnects. After every open (and
 * when a prompt starts being followed by id) it runs {@link reconcileFromHistory} over the open
 * prompts, coalescing overlapping requests and retrying failed ones with backoff while connected.
 * It also decides how a live terminal frame ends a prompt: at once, or, for a success of a prompt
 * that was tracked across a disconnect, after `/history` has filled in outputs whose `executed` frames
 * were lost.
 */
export class Reconciler {
  readonly #o: ReconcilerOptions
  #running = false
  #again = false
  #attempt = 0
  #stopped = false
  #timer: unknown = undefined
  readonly #sleeps = new Set<() => void>()

  constructor(options: ReconcilerOptions) {
    this.#o = options
  }

  /** Reconciles soon: now if idle, else right after the run in progress. */
  request(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    void this.#run()
  }

  /** A live terminal frame arrived for `promptId`. */
  terminal(promptId: string, outcome: PromptOutcome, gap: boolean): void {
    if (!gap || outcome.status !== 'success') this.#o.router.end(promptId, outcome)
    else void this.#endWithHistoryOutputs(promptId, outcome)
  }

  /** Stops retries and waits (the client is closing). */
  stop(): void {
    this.#stopped = true
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer)
    this.#timer = undefined
    for (const wake of [...this.#sleeps]) wake()
  }

  async #run(): Promise<void> {
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#running = true
    const { router } = this.#o
    try {
      const promptIds = router.openAcceptedIds()
      if (promptIds.length === 0) router.release(null)
      else {
        // No per-call signal: the client's API already aborts every request when the client closes.
        await reconcileFromHistory(this.#o.api, {
          promptIds,
          onQueue: (queue) => router.release(queue.running[0]?.promptId ?? null),
          onVerdict: (verdict) => this.#apply(verdict),
        })
      }
      this.#attempt = 0
    } catch (error) {
      if (this.#stopped) return
      this.#o.onError(toComfyProgressError(error, 'COMFY_UNREACHABLE'))
      this.#attempt += 1
      if (this.#o.isConnected()) {
        const delayMs = Math.max(MIN_RETRY_DELAY_MS, computeBackoffDelay(this.#attempt - 1, this.#o.backoff))
        this.#timer = this.#o.timers.setTimeout(() => this.request(), delayMs)
      }
    } finally {
      this.#running = false
      if (this.#again && !this.#stopped) {
        this.#again = false
        void this.#run()
      }
    }
  }

  #apply(verdict: ReconcileVerdict): void {
    const { router, log } = this.#o
    const { promptId } = verdict
    if (!router.isOpen(promptId)) return // ended live meanwhile: nothing to do, never twice
    log?.({ type: 'reconcile', promptId, result: verdict.result })
    switch (verdict.result) {
      case 'running':
      case 'pending':
        router.resumed(promptId, verdict.result, verdict.position)
        break
      case 'finished':
        router.end(promptId, verdict.outcome)
        break
      case 'lost':
        router.end(promptId, {
          status: 'abandoned',
          error: new ComfyProgressError('COMFY_PROMPT_LOST', undefined, { details: { promptId } }),
        })
        break
    }
  }

  async #endWithHistoryOutputs(
    promptId: string,
    outcome: PromptOutcome & { status: 'success' },
  ): Promise<void> {
    for (let attempt = 0; attempt < HISTORY_TRIES && !this.#stopped; attempt += 1) {
      try {
        const entry = await this.#o.api.getHistory(promptId)
        if (entry !== null) {
          // With frames missed, a success read from `executing {node: null}` may hide a lost error frame:
          // ComfyUI's record of the run decides the outcome; a success keeps the live message.
          const recorded = outcomeFromHistory(entry)
          const merged = { ...outcome.outputs, ...entry.outputs }
          this.#o.router.end(
            promptId,
            recorded.status === 'success' ? { ...outcome, outputs: merged } : recorded,
          )
          return
        }
      } catch {
        break // The live outcome stands; only outputs whose frames were lost stay missing.
      }
      await this.#sleep(HISTORY_RETRY_MS)
    }
    this.#o.router.end(promptId, outcome)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#sleeps.delete(wake)
        this.#o.timers.clearTimeout(handle)
        resolve()
      }
      const handle = this.#o.timers.setTimeout(wake, ms)
      this.#sleeps.add(wake)
    })
  }
}
