import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SseHeartbeat } from './SseHeartbeat.js'

describe('SseHeartbeat', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('beats every registered target with one timer, and stops with the last one', () => {
    const heartbeat = new SseHeartbeat({ intervalMs: 1000 })
    const beats = [0, 0, 0]
    const targets = beats.map((_, i) => ({ heartbeat: () => void beats[i]!++ }))
    for (const target of targets) heartbeat.add(target)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(2000)
    expect(beats).toEqual([2, 2, 2])
    heartbeat.delete(targets[0]!)
    vi.advanceTimersByTime(1000)
    expect(beats).toEqual([2, 3, 3])
    heartbeat.delete(targets[1]!)
    heartbeat.delete(targets[2]!)
    heartbeat.delete(targets[2]!)
    expect([heartbeat.size, vi.getTimerCount()]).toEqual([0, 0])
    heartbeat.add(targets[0]!)
    vi.advanceTimersByTime(1000)
    expect(beats).toEqual([3, 3, 3])
    heartbeat.delete(targets[0]!)
  })
})
