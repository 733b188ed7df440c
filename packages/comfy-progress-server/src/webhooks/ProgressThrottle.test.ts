import { globalTimers, type TaskEvent } from '@comfy-progress/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cancelled, completed, inProgress, queued } from '../../test/helpers.js'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { ProgressThrottle } from './ProgressThrottle.js'

const TASK = 'mB3kV0c6TnS8yq1Zp4W2xA'

describe('ProgressThrottle', () => {
  let emitted: { seq: number; status: string; at: number }[]
  let throttle: ProgressThrottle
  let seq: number
  const push = (event: TaskEvent) =>
    throttle.push({ taskId: TASK, seq: ++seq, event } satisfies StoredTaskEvent)

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 })
    emitted = []
    seq = 0
    throttle = new ProgressThrottle({
      intervalMs: 500,
      timers: globalTimers,
      emit: (entry) => emitted.push({ seq: entry.seq, status: entry.event.status, at: Date.now() }),
    })
  })

  afterEach(() => {
    throttle.close()
    vi.useRealTimers()
  })

  it('leaves at most 2 progress events per second, the latest of each window, and every status change', () => {
    push(queued(TASK))
    // 10 s of progress every 20 ms (500 events), then completion.
    for (let i = 0; i < 500; i++) {
      push(inProgress(TASK, Math.floor(i / 5)))
      vi.advanceTimersByTime(20)
    }
    push(completed(TASK))
    vi.advanceTimersByTime(5000)

    const progress = emitted.filter((e) => e.status === 'in-progress')
    for (let i = 2; i < progress.length; i++) {
      expect(progress[i]!.at - progress[i - 2]!.at).toBeGreaterThanOrEqual(1000)
    }
    expect(progress.length).toBeGreaterThanOrEqual(19)
    expect(progress.length).toBeLessThanOrEqual(21)
    expect(emitted[0]).toMatchObject({ status: 'queued', seq: 1 })
    expect(emitted.at(-1)).toMatchObject({ status: 'completed', seq: 502 })
    // In order, nothing twice.
    const seqs = emitted.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(seqs.length)
  })

  it('delivers the trailing event of a burst (latest wins)', () => {
    push(inProgress(TASK, 1))
    push(inProgress(TASK, 2))
    push(inProgress(TASK, 3))
    push(inProgress(TASK, 4))
    expect(emitted.map((e) => e.seq)).toEqual([1])
    vi.advanceTimersByTime(499)
    expect(emitted.map((e) => e.seq)).toEqual([1])
    vi.advanceTimersByTime(1)
    expect(emitted).toEqual([
      { seq: 1, status: 'in-progress', at: 0 },
      { seq: 4, status: 'in-progress', at: 500 },
    ])
  })

  it('passes a status change at once and discards the progress it supersedes', () => {
    push(inProgress(TASK, 1))
    push(inProgress(TASK, 2))
    push(cancelled(TASK))
    vi.advanceTimersByTime(1000)
    expect(emitted.map((e) => [e.seq, e.status])).toEqual([
      [1, 'in-progress'],
      [3, 'cancelled'],
    ])
  })

  it('ignores events after the terminal one, and close() drops a waiting event', () => {
    push(completed(TASK))
    push(inProgress(TASK, 5))
    expect(emitted).toHaveLength(1)

    const other: number[] = []
    const second = new ProgressThrottle({
      intervalMs: 500,
      timers: globalTimers,
      emit: (e) => other.push(e.seq),
    })
    second.push({ taskId: TASK, seq: 1, event: inProgress(TASK, 1) })
    second.push({ taskId: TASK, seq: 2, event: inProgress(TASK, 2) })
    second.close()
    vi.advanceTimersByTime(1000)
    expect(other).toEqual([1])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('lets every event through with an interval of 0', () => {
    const all: number[] = []
    const open = new ProgressThrottle({ intervalMs: 0, timers: globalTimers, emit: (e) => all.push(e.seq) })
    for (let i = 1; i <= 5; i++) open.push({ taskId: TASK, seq: i, event: inProgress(TASK, i) })
    expect(all).toEqual([1, 2, 3, 4, 5])
  })
})
