import { describe, expect, it } from 'vitest'
import { createCircuitBreaker } from './circuitBreaker.js'

function clock(start = 1_000_000) {
  let time = start
  return { now: () => time, advance: (ms: number) => (time += ms) }
}

describe('createCircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cool-down, closes on a good probe', () => {
    const c = clock()
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: c.now })
    expect(breaker.state).toBe('closed')
    breaker.recordFailure()
    breaker.recordFailure()
    expect(breaker.state).toBe('closed')
    expect(breaker.msUntilAttempt()).toBe(0)
    breaker.recordFailure()
    expect(breaker.state).toBe('open')
    expect(breaker.retryAt).toBe(1_010_000)
    expect(breaker.msUntilAttempt()).toBe(10_000)
    c.advance(4_000)
    expect(breaker.msUntilAttempt()).toBe(6_000)
    c.advance(6_000)
    expect(breaker.state).toBe('half-open')
    expect(breaker.msUntilAttempt()).toBe(0)
    expect(breaker.retryAt).toBeNull()
    breaker.recordSuccess()
    expect(breaker.state).toBe('closed')
    expect(breaker.failures).toBe(0)
  })

  it('re-opens for a full cool-down when the half-open probe fails', () => {
    const c = clock()
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 5_000, now: c.now })
    breaker.recordFailure()
    c.advance(5_000)
    expect(breaker.state).toBe('half-open')
    breaker.recordFailure()
    expect(breaker.state).toBe('open')
    expect(breaker.msUntilAttempt()).toBe(5_000)
  })

  it('a success before the threshold clears the count', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 2 })
    breaker.recordFailure()
    breaker.recordSuccess()
    breaker.recordFailure()
    expect(breaker.state).toBe('closed')
  })

  it('clamps nonsense options instead of failing', () => {
    const c = clock()
    const breaker = createCircuitBreaker({ failureThreshold: -4, cooldownMs: Number.NaN, now: c.now })
    breaker.recordFailure() // threshold clamped to 1, cool-down falls back to 60 s
    expect(breaker.state).toBe('open')
    expect(breaker.msUntilAttempt()).toBe(60_000)
    breaker.reset()
    expect(breaker.state).toBe('closed')
  })
})
