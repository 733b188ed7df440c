import { describe, expect, it } from 'vitest'
import { recordedTiming, scaleDuration } from './timingModel.js'

describe('timing model', () => {
  it('divides recorded durations by the speed', () => {
    expect(scaleDuration(recordedTiming.stepMs, 1)).toBe(57)
    expect(scaleDuration(recordedTiming.stepMs, 1000)).toBeCloseTo(0.057)
  })

  it('is frozen', () => {
    expect(Object.isFrozen(recordedTiming)).toBe(true)
    expect(Object.isFrozen(recordedTiming.nodeMs)).toBe(true)
  })
})
