import { describe, expect, it } from 'vitest'
import { estimateEta, measureRate, type RateEstimate, UNMEASURED_RATE } from './estimateEta.js'

describe('measureRate and estimateEta', () => {
  it('has no ETA until something was measured: never a made-up number', () => {
    expect(estimateEta(UNMEASURED_RATE, 10)).toBeNull()
    const started = measureRate(UNMEASURED_RATE, { work: 0, now: 1000 })
    expect(started).toEqual({ secondsPerUnit: null, since: 1000 })
    expect(estimateEta(started, 10)).toBeNull()
  })

  it('measures seconds per unit of work and projects the remaining work', () => {
    let rate = measureRate(UNMEASURED_RATE, { work: 0, now: 0 })
    rate = measureRate(rate, { work: 2, now: 1000 })
    expect(rate.secondsPerUnit).toBe(0.5)
    expect(estimateEta(rate, 10)).toBe(5)
    expect(estimateEta(rate, 0)).toBe(0)
    expect(estimateEta(rate, -3)).toBe(0)
  })

  it('forgets a slow warm-up step within a few steps (outliers are clamped, the average moves by work)', () => {
    let rate: RateEstimate = { secondsPerUnit: 0.05, since: 0 }
    rate = measureRate(rate, { work: 1, now: 4500 }) // a 4.5 s warm-up step
    expect(rate.secondsPerUnit!).toBeLessThan(0.05 * 4)
    let now = 4500
    const etas: number[] = []
    for (let step = 0; step < 10; step++) {
      rate = measureRate(rate, { work: 1, now: (now += 50) })
      etas.push(estimateEta(rate, 10)!)
    }
    for (let i = 1; i < etas.length; i++) expect(etas[i]!).toBeLessThanOrEqual(etas[i - 1]!)
    expect(etas.at(-1)!).toBeLessThan(0.6) // close to the true 0.5 s for 10 more steps
  })

  it('ignores samples without time or work, and bad clocks', () => {
    const rate: RateEstimate = { secondsPerUnit: 0.1, since: 1000 }
    expect(measureRate(rate, { work: 0, now: 2000 })).toBe(rate)
    expect(measureRate(rate, { work: Number.NaN, now: 2000 })).toBe(rate)
    expect(measureRate(rate, { work: 1, now: Number.NaN })).toBe(rate)
    expect(measureRate(rate, { work: 1, now: 1000 })).toEqual({ secondsPerUnit: 0.1, since: 1000 })
    expect(measureRate(rate, { work: 1, now: 500 })).toEqual({ secondsPerUnit: 0.1, since: 500 })
    expect(estimateEta(rate, Number.NaN)).toBeNull()
  })
})
