import { ComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it, vi } from 'vitest'
import { QueueLengths, type QueueLengthSource } from './QueueLengths.js'

/** A stand-in client: `GET /prompt` answers `remaining` (or never, or fails); `emit` sends a status frame. */
function backend(id: string, answer: number | 'never' | 'fail', wsValue: number | null = null) {
  let listener: ((value: number | null) => void) | null = null
  const getQueueRemaining = vi.fn((_options?: { timeoutMs?: number }) => {
    if (answer === 'never') return new Promise<number>(() => undefined)
    if (answer === 'fail') return Promise.reject(new ComfyProgressError('COMFY_UNREACHABLE'))
    return Promise.resolve(answer)
  })
  const source = {
    id,
    client: {
      queueRemaining: wsValue,
      api: { getQueueRemaining },
      on: (_event: 'queue', fn: (value: number | null) => void) => {
        listener = fn
        return () => (listener = null)
      },
    },
  } as unknown as QueueLengthSource
  return { source, getQueueRemaining, emit: (value: number | null) => listener?.(value) }
}

describe('QueueLengths', () => {
  it('reads unknown lengths from GET /prompt with the timeout, then keeps them until they are old', async () => {
    let time = 0
    const lengths = new QueueLengths({ maxAgeMs: 1_000, timeoutMs: 200, now: () => time })
    const a = backend('a', 3)
    const b = backend('b', 0)
    lengths.watch(a.source)
    lengths.watch(b.source)
    expect(await lengths.read([a.source, b.source])).toEqual(
      new Map([
        ['a', 3],
        ['b', 0],
      ]),
    )
    expect(a.getQueueRemaining).toHaveBeenCalledWith({ timeoutMs: 200 })
    time = 500
    await lengths.read([a.source, b.source])
    expect(a.getQueueRemaining).toHaveBeenCalledTimes(1)
    time = 1_500
    await lengths.read([a.source])
    expect(a.getQueueRemaining).toHaveBeenCalledTimes(2)
    lengths.close()
  })

  it('does not ask a backend whose read failed again for a second (each create would wait the timeout)', async () => {
    let time = 0
    const lengths = new QueueLengths({ maxAgeMs: 1_000, timeoutMs: 200, now: () => time })
    const a = backend('a', 'fail', 4)
    expect(await lengths.read([a.source])).toEqual(new Map([['a', 4]]))
    time = 500
    expect(await lengths.read([a.source])).toEqual(new Map([['a', 4]]))
    expect(a.getQueueRemaining).toHaveBeenCalledTimes(1)
    time = 1_100
    await lengths.read([a.source])
    expect(a.getQueueRemaining).toHaveBeenCalledTimes(2)
    lengths.close()
  })

  it('takes a status frame as fresh: no HTTP read while frames come', async () => {
    let time = 0
    const lengths = new QueueLengths({ maxAgeMs: 1_000, timeoutMs: 200, now: () => time })
    const a = backend('a', 9)
    lengths.watch(a.source)
    a.emit(2)
    time = 900
    expect((await lengths.read([a.source])).get('a')).toBe(2)
    expect(a.getQueueRemaining).not.toHaveBeenCalled()
    time = 2_000
    expect((await lengths.read([a.source])).get('a')).toBe(9)
    lengths.close()
  })

  it('waits no longer than the timeout for a backend that does not answer, and shares one read', async () => {
    const lengths = new QueueLengths({ maxAgeMs: 1_000, timeoutMs: 30 })
    const slow = backend('slow', 'never', 4)
    const failing = backend('failing', 'fail', 1)
    const [first, second] = await Promise.all([
      lengths.read([slow.source, failing.source]),
      lengths.read([slow.source]),
    ])
    // Unanswered and failed reads leave the client's own length.
    expect(first).toEqual(
      new Map([
        ['slow', 4],
        ['failing', 1],
      ]),
    )
    expect(second.get('slow')).toBe(4)
    expect(slow.getQueueRemaining).toHaveBeenCalledTimes(1)
  })
})
