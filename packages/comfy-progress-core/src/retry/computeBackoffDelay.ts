/** Options of {@link computeBackoffDelay}. */
export interface BackoffOptions {
  /**
   * Delay before the first retry, in ms.
   * @default 1000
   */
  readonly initialDelayMs?: number
  /**
   * Upper bound of any delay, in ms.
   * @default 30000
   */
  readonly maxDelayMs?: number
  /**
   * Growth factor per attempt.
   * @default 2
   */
  readonly multiplier?: number
  /**
   * Share of the delay that is randomised, from 0 (none) to 1 ("full jitter").
   * With 0.5 a 4 s delay becomes a value in [2 s, 4 s].
   * @default 0.5
   */
  readonly jitter?: number
  /**
   * Source of randomness in [0, 1). Inject a fixed function in tests.
   * @default Math.random
   */
  readonly random?: () => number
}

/** The defaults of {@link computeBackoffDelay}: 1 s → 30 s, doubling, half of each delay jittered. */
export const backoffDefaults = Object.freeze({
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.5,
})

/**
 * The delay before retry number `attempt` (0 for the first retry): exponential growth from
 * `initialDelayMs`, capped at `maxDelayMs`, with the top `jitter` share of it randomised so that many
 * clients that failed together do not retry together. Pure: randomness is injected.
 *
 * Every retry loop in comfy-progress uses it: ComfyUI reconnects, webhook retries and the browser's
 * SSE reconnects.
 *
 * @example
 * ```ts
 * computeBackoffDelay(0) // between 500 and 1000
 * computeBackoffDelay(10, { random: () => 1 }) // 30000
 * ```
 */
export function computeBackoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = nonNegative(options.initialDelayMs, backoffDefaults.initialDelayMs)
  const max = Math.max(initial, nonNegative(options.maxDelayMs, backoffDefaults.maxDelayMs))
  const multiplier = Math.max(1, nonNegative(options.multiplier, backoffDefaults.multiplier))
  const jitter = Math.min(1, nonNegative(options.jitter, backoffDefaults.jitter))
  const random = options.random ?? Math.random
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0
  // Computed in log space so that a huge attempt count never overflows to Infinity or NaN.
  const ceiling =
    n * Math.log(multiplier) >= Math.log(max / Math.max(initial, 1)) ? max : initial * multiplier ** n
  const capped = Math.min(max, ceiling)
  const r = Math.min(1, Math.max(0, random()))
  return Math.round(capped * (1 - jitter) + capped * jitter * r)
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback
}
