/** The measured pace of a prompt: smoothed seconds per unit of work (one unit ≈ one sampler step). */
export interface RateEstimate {
  /** Exponentially weighted moving average of seconds per unit of work; `null` until measured. */
  readonly secondsPerUnit: number | null
  /** When (ms) the last measured piece of work ended: the start of the next measurement. */
  readonly since: number | null
}

/** Tuning of {@link measureRate}. */
export interface RateOptions {
  /**
   * Weight of a new measurement covering one unit of work in the moving average (0 to 1). A measurement
   * covering `w` units weighs `1 - (1 - smoothing) ** w`, so the average forgets by work done, not by
   * frame count.
   * @default 0.3
   */
  readonly smoothing?: number
  /**
   * A measurement is clamped to this factor above or below the current average before it is averaged
   * in, so that one outlier (the model's warm-up on the first sampler step, a node that finished in a
   * microsecond) cannot dominate the estimate.
   * @default 4
   */
  readonly outlierFactor?: number
}

/** The defaults of {@link measureRate}. */
export const rateDefaults = Object.freeze({ smoothing: 0.3, outlierFactor: 4 })

/** A rate estimate that has measured nothing yet. */
export const UNMEASURED_RATE: RateEstimate = Object.freeze({ secondsPerUnit: null, since: null })

/**
 * Folds one measurement into the rate estimate: `work` units (in sampler steps) were observed done at
 * `now` (ms), since the previous measurement. The first call only starts the clock. Pure.
 *
 * @example
 * ```ts
 * let rate = measureRate(UNMEASURED_RATE, { work: 0, now: 0 }) // clock started
 * rate = measureRate(rate, { work: 1, now: 500 }) // 0.5 s per step
 * estimateEta(rate, 10) // 5
 * ```
 */
export function measureRate(
  estimate: RateEstimate,
  sample: { readonly work: number; readonly now: number },
  options: RateOptions = {},
): RateEstimate {
  const { work, now } = sample
  if (!Number.isFinite(now)) return estimate
  if (estimate.since === null || !(work > 0) || !Number.isFinite(work)) {
    return estimate.since === null ? { secondsPerUnit: estimate.secondsPerUnit, since: now } : estimate
  }
  const elapsed = now - estimate.since
  // No time passed (frames delivered together) or the clock went backwards: nothing to learn from.
  if (elapsed <= 0) return { secondsPerUnit: estimate.secondsPerUnit, since: now }
  let measured = elapsed / 1000 / work
  const previous = estimate.secondsPerUnit
  if (previous === null) return { secondsPerUnit: measured, since: now }
  const factor = Math.max(1, options.outlierFactor ?? rateDefaults.outlierFactor)
  measured = Math.min(previous * factor, Math.max(previous / factor, measured))
  const smoothing = Math.min(1, Math.max(0, options.smoothing ?? rateDefaults.smoothing))
  const weight = 1 - (1 - smoothing) ** work
  return { secondsPerUnit: previous + weight * (measured - previous), since: now }
}

/**
 * Seconds left for `remainingWork` units at the measured pace, rounded to a tenth of a second; `null`
 * while nothing has been measured: never a made-up number.
 *
 * @example
 * ```ts
 * estimateEta({ secondsPerUnit: 0.05, since: 0 }, 12) // 0.6
 * estimateEta(UNMEASURED_RATE, 12) // null
 * ```
 */
export function estimateEta(estimate: RateEstimate, remainingWork: number): number | null {
  if (estimate.secondsPerUnit === null || !Number.isFinite(remainingWork)) return null
  return Math.round(Math.max(0, remainingWork) * estimate.secondsPerUnit * 10) / 10
}
