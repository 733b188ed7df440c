import { describe, expect, it } from 'vitest'
import { formatEta } from './formatEta.js'

describe('formatEta', () => {
  it('says seconds under a minute, minutes under an hour, then hours', () => {
    expect(formatEta(6)).toBe('about 6 s left')
    expect(formatEta(6.4)).toBe('about 6 s left')
    expect(formatEta(1)).toBe('about 1 s left')
    expect(formatEta(59.4)).toBe('about 59 s left')
    expect(formatEta(59.5)).toBe('about 1 min left')
    expect(formatEta(130)).toBe('about 2 min left')
    expect(formatEta(3569)).toBe('about 59 min left')
    expect(formatEta(3570)).toBe('about 1 h left')
    expect(formatEta(7200)).toBe('about 2 h left')
  })

  it('says "less than 1 s left" under a second', () => {
    expect(formatEta(0)).toBe('less than 1 s left')
    expect(formatEta(0.4)).toBe('less than 1 s left')
  })

  it('says nothing when the time left is unknown or not a number of seconds', () => {
    expect(formatEta(null)).toBe('')
    expect(formatEta(undefined)).toBe('')
    expect(formatEta(Number.NaN)).toBe('')
    expect(formatEta(-1)).toBe('')
    expect(formatEta(Infinity)).toBe('')
    expect(formatEta('6' as unknown as number)).toBe('')
  })
})
