import { computeBackoffDelay } from '@comfy-progress/core'

/** How long and how often one event is retried. */
export interface WebhookRetryOptions {
  /**
   * Attempts per event, the first included; then the event fails.
   * @default 10
   */
  readonly maxAttempts?: number
  /**
   * No attempt starts later than this many ms after the event's first attempt; then the event fails.
   * @default 1800000 (30 minutes)
   */
  readonly maxElapsedMs?: number
  /**
   * Delay before the first retry, in ms (then doubled per retry, half of it jittered).
   * @default 2000
   */
  readonly initialDelayMs?: number
  /**
   * Longest backoff delay, in ms (a receiver's `Retry-After` may ask for longer).
   * @default 300000 (5 minutes)
   */
  readonly maxDelayMs?: number
  /**
   * Growth of the delay per retry.
   * @default 2
   */
  readonly multiplier?: number
  /**
   * Randomised share of each delay, 0 to 1.
   * @default 0.5
   */
  readonly jitter?: number
}

/**
 * The defaults of {@link WebhookRetryOptions}: 10 attempts over at most 30 minutes; delays of about
 * 2 s, 4 s, 8 s… up to 5 minutes (≈ 14 minutes in all before jitter).
 */
export const webhookRetryDefaults = Object.freeze({
  maxAttempts: 10,
  maxElapsedMs: 30 * 60 * 1000,
  initialDelayMs: 2000,
  maxDelayMs: 5 * 60 * 1000,
  multiplier: 2,
  jitter: 0.5,
})

/** Where an event stands after a failed attempt. */
export interface RetryState {
  /** Attempts made so far (≥ 1). */
  readonly attempts: number
  /** When the first attempt started, ms since the epoch. */
  readonly firstAttemptAt: number
  /** Now, ms since the epoch. */
  readonly now: number
  /** The receiver's `Retry-After`, in ms, if it sent one. */
  readonly retryAfterMs: number | null
}

/**
 * The delay before the next attempt, or `null` when the schedule is over (attempts used up, or the
 * next attempt would start after `maxElapsedMs`). The delay is core's `computeBackoffDelay` (the one
 * backoff of comfy-progress), raised to the receiver's `Retry-After` when it asks for longer: a
 * receiver is never retried sooner than it asked.
 *
 * @example
 * ```ts
 * planWebhookRetry({ attempts: 1, firstAttemptAt: t, now: t, retryAfterMs: null }) // ≈ 1000–2000
 * ```
 */
export function planWebhookRetry(
  state: RetryState,
  options: WebhookRetryOptions = {},
  random: () => number = Math.random,
): number | null {
  const o = { ...webhookRetryDefaults, ...definedOnly(options) }
  if (state.attempts >= o.maxAttempts) return null
  const backoff = computeBackoffDelay(state.attempts - 1, {
    initialDelayMs: o.initialDelayMs,
    maxDelayMs: o.maxDelayMs,
    multiplier: o.multiplier,
    jitter: o.jitter,
    random,
  })
  const delay = Math.max(backoff, state.retryAfterMs ?? 0)
  if (state.now + delay - state.firstAttemptAt > o.maxElapsedMs) return null
  return delay
}

function definedOnly(options: WebhookRetryOptions): WebhookRetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
}
