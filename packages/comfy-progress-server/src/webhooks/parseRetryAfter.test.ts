import { describe, expect, it } from 'vitest'
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './parseRetryAfter.js'

const now = Date.UTC(2025, 10, 25, 12, 0, 0)

describe('parseRetryAfter', () => {
  it('reads whole seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('2', now)).toBe(2000)
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000)
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000)
  })

  it('reads HTTP dates relative to now; a past date is 0', () => {
    expect(parseRetryAfter('Tue, 25 Nov 2025 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Tue, 25 Nov 2025 11:00:00 GMT', now)).toBe(0)
  })

  it('caps long delays at one day', () => {
    expect(parseRetryAfter('9999999', now)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS)
  })

  it('ignores absent and malformed values', () => {
    for (const value of [undefined, '', '-5', '1.5', 'soon', '12abc', '1e3', []]) {
      expect(parseRetryAfter(value, now)).toBeNull()
    }
  })
})
