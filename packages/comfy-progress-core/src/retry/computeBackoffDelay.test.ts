import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { backoffDefaults, computeBackoffDelay } from './computeBackoffDelay.js'

describe('computeBackoffDelay', () => {
  it('grows from 1 s to 30 s by default', () => {
    const top = () => 1
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => computeBackoffDelay(n, { random: top }))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ])
  })

  it('jitters the top half of the delay by default', () => {
    expect(computeBackoffDelay(2, { random: () => 0 })).toBe(2000)
    expect(computeBackoffDelay(2, { random: () => 0.5 })).toBe(3000)
  })

  it('supports full jitter and no jitter', () => {
    expect(computeBackoffDelay(3, { jitter: 1, random: () => 0 })).toBe(0)
    expect(computeBackoffDelay(3, { jitter: 0, random: () => 0 })).toBe(8000)
  })

  it('never overflows for huge attempt counts', () => {
    expect(computeBackoffDelay(1e9, { random: () => 1 })).toBe(backoffDefaults.maxDelayMs)
    expect(computeBackoffDelay(Number.MAX_SAFE_INTEGER, { random: () => 1, multiplier: 10 })).toBe(30000)
  })

  it('treats bad input as the nearest sane value instead of throwing', () => {
    expect(computeBackoffDelay(-5, { random: () => 1 })).toBe(1000)
    expect(computeBackoffDelay(Number.NaN, { random: () => 1 })).toBe(1000)
    expect(computeBackoffDelay(2, { random: () => 1, initialDelayMs: -1, jitter: Number.NaN })).toBe(4000)
    expect(computeBackoffDelay(1, { random: () => 7 })).toBe(2000)
  })

  it('always stays within [max(0, d·(1−jitter)), maxDelayMs]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, jitter, r) => {
          const delay = computeBackoffDelay(attempt, { jitter, random: () => r })
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual(backoffDefaults.maxDelayMs)
          expect(Number.isInteger(delay)).toBe(true)
        },
      ),
    )
  })
})
