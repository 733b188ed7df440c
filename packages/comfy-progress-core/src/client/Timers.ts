/** The platform's timer functions; core's build has no DOM or Node typings, hence this declaration. */
interface GlobalTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * A timer source and a clock. Every time-based part of {@link ComfyClient} (backoff, breaker, liveness,
 * request timeouts) uses the one in its options, so that tests and simulations can drive time.
 */
export interface Timers {
  /** Schedules `callback` after `ms` milliseconds; returns an opaque handle. */
  readonly setTimeout: (callback: () => void, ms: number) => unknown
  /** Cancels a handle returned by `setTimeout`; ignores unknown handles. */
  readonly clearTimeout: (handle: unknown) => void
  /** The current time in ms since the epoch. */
  readonly now: () => number
}

/**
 * The platform's timers: `globalThis.setTimeout`, `clearTimeout` and `Date.now`, looked up at call
 * time (never captured at import), so that fake timers installed later still apply.
 */
export const globalTimers: Timers = Object.freeze({
  setTimeout: (callback: () => void, ms: number): unknown =>
    (globalThis as unknown as GlobalTimers).setTimeout(callback, ms),
  clearTimeout: (handle: unknown): void => {
    ;(globalThis as unknown as GlobalTimers).clearTimeout(handle)
  },
  now: (): number => Date.now(),
})
