import { describe, expect, it, vi } from 'vitest'
import { PromptQueue, type QueueItem } from './PromptQueue.js'

const item = (number: number, id: string): QueueItem => [number, id, {}, {}, ['9']]
const entry = (it: QueueItem) => ({
  prompt: it,
  outputs: {},
  status: { status_str: 'success' as const, completed: true, messages: [] },
  meta: {},
})

describe('PromptQueue', () => {
  it('runs the lowest number first and counts pending plus running', () => {
    const queue = new PromptQueue(() => undefined)
    queue.put(item(2, 'b'))
    queue.put(item(1, 'a'))
    queue.put(item(-3, 'front'))
    expect(queue.remaining).toBe(3)
    expect(queue.take()?.[1]).toBe('front')
    expect(queue.remaining).toBe(3)
    expect(queue.snapshot().queue_running.map((i) => i[1])).toEqual(['front'])
    expect(queue.take()?.[1]).toBe('a')
  })

  it('announces every change, twice when deleting the last pending item (08)', () => {
    const onChange = vi.fn()
    const queue = new PromptQueue(onChange)
    queue.put(item(0, 'a'))
    onChange.mockClear()
    expect(queue.deletePending('a')).toBe(true)
    expect(onChange).toHaveBeenCalledTimes(2)
    onChange.mockClear()
    expect(queue.deletePending('missing')).toBe(false)
    expect(onChange).not.toHaveBeenCalled()
  })

  it('deletes one of several pending items with one announcement', () => {
    const onChange = vi.fn()
    const queue = new PromptQueue(onChange)
    for (const [n, id] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as const)
      queue.put(item(n, id))
    onChange.mockClear()
    queue.deletePending('b')
    expect(onChange).toHaveBeenCalledTimes(1)
    expect(
      queue
        .snapshot()
        .queue_pending.map((i) => i[1])
        .sort(),
    ).toEqual(['a', 'c'])
  })

  it('lists history oldest first; max_items alone gives the last N; offset skips', () => {
    const queue = new PromptQueue(() => undefined)
    for (const id of ['a', 'b', 'c']) {
      queue.put(item(0, id))
      queue.finish(entry(queue.take()!))
    }
    expect(Object.keys(queue.listHistory())).toEqual(['a', 'b', 'c'])
    expect(Object.keys(queue.listHistory(2))).toEqual(['b', 'c'])
    expect(Object.keys(queue.listHistory(1, 0))).toEqual(['a'])
    queue.deleteHistory('b')
    expect(queue.historyOf('b')).toBeUndefined()
    queue.clearHistory()
    expect(queue.listHistory()).toEqual({})
  })
})
