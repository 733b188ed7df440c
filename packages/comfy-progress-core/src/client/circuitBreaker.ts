/** The three states of a {@link CircuitBreaker}. */
export type CircuitBreakerState = 'closed' | 'open' | 'half-open'

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures that open the breaker.
   * @default 5
   */
  readonly failureThreshold?: number
  /**
   * How long the breaker stays open before it lets one probe through (half-open), in ms.
   * @default 60000
   */
  readonly cooldownMs?: number
  /**
   * The clock, in ms. Inject one in tests.
   * @default Date.now
   */
  readonly now?: () => number
}

/** The defaults of {@link createCircuitBreaker}: open after 5 consecutive failures, for 60 s. */
export const circuitBreakerDefaults = Object.freeze({ failureThreshold: 5, cooldownMs: 60_000 })

/**
 * A circuit breaker: it counts consecutive failures and, past a threshold, refuses attempts for a
 * cool-down; then it lets exactly one probe through (half-open). A successful probe closes it, a
 * failed one opens it again for another cool-down. It schedules nothing itself: the caller asks
 * {@link CircuitBreaker.msUntilAttempt} before each attempt and reports the result.
 */
export interface CircuitBreaker {
  /** The state at this moment (an open breaker whose cool-down is over reads as `half-open`). */
  readonly state: CircuitBreakerState
  /** Consecutive failures since the last success. */
  readonly failures: number
  /** When an open breaker lets the next probe through (ms since the epoch); `null` unless open. */
  readonly retryAt: number | null
  /** 0 if an attempt may start now, else how many ms to wait. */
  msUntilAttempt(): number
  /** Reports a successful attempt: closes the breaker and clears the failure count. */
  recordSuccess(): void
  /** Reports a failed attempt: opens the breaker at the threshold, or again after a failed probe. */
  recordFailure(): void
  /** Closes the breaker and forgets every failure. */
  reset(): void
}

/**
 * Creates a {@link CircuitBreaker}. {@link ComfyClient} puts one in front of its reconnects, so that a
 * server that keeps failing is probed once per cool-down instead of being hammered.
 *
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 30_000 })
 * if (breaker.msUntilAttempt() === 0) {
 *   try { await connect(); breaker.recordSuccess() } catch { breaker.recordFailure() }
 * }
 * ```
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = Math.max(
    1,
    Math.floor(finite(options.failureThreshold, circuitBreakerDefaults.failureThreshold)),
  )
  const cooldownMs = Math.max(0, finite(options.cooldownMs, circuitBreakerDefaults.cooldownMs))
  const now = options.now ?? Date.now
  let failures = 0
  let openedAt: number | null = null

  const stateAt = (time: number): CircuitBreakerState => {
    if (openedAt === null) return 'closed'
    return time - openedAt >= cooldownMs ? 'half-open' : 'open'
  }

  return {
    get state() {
      return stateAt(now())
    },
    get failures() {
      return failures
    },
    get retryAt() {
      return openedAt !== null && stateAt(now()) === 'open' ? openedAt + cooldownMs : null
    },
    msUntilAttempt() {
      if (openedAt === null) return 0
      return Math.max(0, openedAt + cooldownMs - now())
    },
    recordSuccess() {
      failures = 0
      openedAt = null
    },
    recordFailure() {
      failures += 1
      // A failed half-open probe, or the threshold reached: (re)open for a full cool-down.
      if (openedAt !== null || failures >= threshold) openedAt = now()
    },
    reset() {
      failures = 0
      openedAt = null
    },
  }
}

function finite(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback
}
