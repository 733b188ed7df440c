import { computeBackoffDelay } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { planWebhookRetry, webhookRetryDefaults } from './planWebhookRetry.js'

const t0 = 1_000_000
const state = (attempts: number, now = t0, retryAfterMs: number | null = null) => ({
  attempts,
  firstAttemptAt: t0,
  now,
  retryAfterMs,
})

describe('planWebhookRetry', () => {
  it('follows core computeBackoffDelay with the webhook defaults', () => {
    for (const random of [0, 0.5, 1]) {
      for (let attempts = 1; attempts < 5; attempts++) {
        expect(planWebhookRetry(state(attempts), {}, () => random)).toBe(
          computeBackoffDelay(attempts - 1, { ...webhookRetryDefaults, random: () => random }),
        )
      }
    }
    expect(planWebhookRetry(state(1), {}, () => 1)).toBe(2000)
    expect(planWebhookRetry(state(3), {}, () => 1)).toBe(8000)
    expect(planWebhookRetry(state(1), {}, () => 0)).toBe(1000)
  })

  it('waits at least as long as Retry-After asks', () => {
    expect(planWebhookRetry(state(1, t0, 60_000), {}, () => 1)).toBe(60_000)
    expect(planWebhookRetry(state(1, t0, 10), {}, () => 1)).toBe(2000)
  })

  it('stops after maxAttempts', () => {
    expect(planWebhookRetry(state(9), {}, () => 1)).not.toBeNull()
    expect(planWebhookRetry(state(10), {}, () => 1)).toBeNull()
    expect(planWebhookRetry(state(3), { maxAttempts: 3 }, () => 1)).toBeNull()
  })

  it('stops when the next attempt would start after maxElapsedMs', () => {
    const late = t0 + webhookRetryDefaults.maxElapsedMs - 1000
    expect(planWebhookRetry(state(2, late), {}, () => 0)).toBeNull()
    expect(planWebhookRetry(state(1, t0, 40 * 60_000), {}, () => 0)).toBeNull()
    expect(planWebhookRetry(state(1, t0 + 500), { maxElapsedMs: 2000 }, () => 1)).toBeNull()
    expect(planWebhookRetry(state(1, t0 + 500), { maxElapsedMs: 2500 }, () => 1)).toBe(2000)
  })

  it('keeps a worst-case schedule within its bounds', () => {
    let now = t0
    let attempts = 1
    for (;;) {
      const delay = planWebhookRetry(state(attempts, now), {}, () => 1)
      if (delay === null) break
      now += delay
      attempts++
    }
    expect(attempts).toBeLessThanOrEqual(webhookRetryDefaults.maxAttempts)
    expect(now - t0).toBeLessThanOrEqual(webhookRetryDefaults.maxElapsedMs)
  })
})
