import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { completed, failed, inProgress, parseSseText, queued } from '../../test/helpers.js'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { createTaskId } from '../tasks/createTaskId.js'
import type { SseSink } from './SseSink.js'
import { type SseEndReason, SseStream, type SseStreamOptions } from './SseStream.js'

/** A sink that records what is written and lets the test decide when the transport is full. */
function createSink() {
  const decoder = new TextDecoder()
  let drainListener = () => undefined as void
  let closeListener = () => undefined as void
  const sink = {
    text: '',
    /** Writes accepted before the transport reports itself full (false from write). */
    budget: Number.POSITIVE_INFINITY,
    set full(value: boolean) {
      sink.budget = value ? 0 : Number.POSITIVE_INFINITY
    },
    closed: false,
    aborted: false,
    write(chunk: Uint8Array) {
      sink.text += decoder.decode(chunk)
      sink.budget -= 1
      return sink.budget > 0
    },
    onDrain(listener: () => void) {
      drainListener = listener
    },
    onClose(listener: () => void) {
      closeListener = listener
    },
    close() {
      sink.closed = true
    },
    abort() {
      sink.aborted = true
    },
    drain(budget = Number.POSITIVE_INFINITY) {
      sink.budget = budget
      drainListener()
    },
    disconnect: () => closeListener(),
    events: () => parseSseText(sink.text).filter((e) => e.data !== undefined),
  }
  return sink satisfies SseSink
}

const a = createTaskId()
const b = createTaskId()
const at = (taskId: string, seq: number, event = inProgress(taskId, seq)): StoredTaskEvent => ({
  taskId,
  seq,
  event,
})

describe('SseStream', () => {
  let ends: SseEndReason[]
  const open = (options: Partial<SseStreamOptions> = {}) =>
    new SseStream({ taskIds: [a], idFormat: 'seq', onEnd: (reason) => ends.push(reason), ...options })

  beforeEach(() => {
    vi.useFakeTimers()
    ends = []
  })
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0)
    vi.useRealTimers()
  })

  it('writes the retry hint first, then each event with its status, seq id and JSON data', () => {
    const stream = open({ retryMs: 2500 })
    const sink = createSink()
    stream.start(sink)
    stream.push(at(a, 1, queued(a)))
    stream.push(at(a, 2))
    expect(parseSseText(sink.text)[0]).toEqual({ retry: 2500 })
    expect(sink.events()).toEqual([
      { event: 'queued', id: '1', data: JSON.stringify(queued(a)) },
      { event: 'in-progress', id: '2', data: JSON.stringify(inProgress(a, 2)) },
    ])
    stream.close()
    expect(ends).toEqual(['closed'])
  })

  it('keeps events pushed before start, in order and complete', () => {
    const stream = open()
    for (let seq = 1; seq <= 5; seq++) stream.push(at(a, seq))
    const sink = createSink()
    stream.start(sink)
    expect(sink.events().map((e) => e.id)).toEqual(['1', '2', '3', '4', '5'])
    stream.close()
  })

  it('ignores duplicates, older events, events before the resume cursor and other tasks', () => {
    const stream = open({ resumeFrom: new Map([[a, 3]]) })
    const sink = createSink()
    stream.start(sink)
    for (const seq of [2, 3, 4, 4, 1, 5]) stream.push(at(a, seq))
    stream.push(at(b, 9))
    expect(sink.events().map((e) => e.id)).toEqual(['4', '5'])
    stream.close()
  })

  it('closes after the terminal event and reports it', () => {
    const stream = open()
    const sink = createSink()
    stream.start(sink)
    stream.push(at(a, 1))
    stream.push(at(a, 2, completed(a)))
    expect(sink.closed).toBe(true)
    expect(ends).toEqual(['finished'])
    stream.push(at(a, 3))
    expect(sink.events().map((e) => e.event)).toEqual(['in-progress', 'completed'])
  })

  it('on a multi-task stream, ids carry every task’s position and it closes after the last terminal', () => {
    const stream = open({ taskIds: [a, b], idFormat: 'cursor' })
    const sink = createSink()
    stream.start(sink)
    stream.push(at(a, 1))
    stream.push(at(b, 1))
    stream.push(at(a, 2, failed(a)))
    expect(sink.closed).toBe(false)
    stream.push(at(b, 2, completed(b)))
    expect(sink.events().map((e) => e.id)).toEqual([
      `${a}:1`,
      `${a}:1,${b}:1`,
      `${a}:2,${b}:1`,
      `${a}:2,${b}:2`,
    ])
    expect(sink.closed).toBe(true)
    expect(ends).toEqual(['finished'])
  })

  it('counts a terminal event the client already holds as delivered', () => {
    const stream = open({ taskIds: [a, b], idFormat: 'cursor', resumeFrom: new Map([[a, 4]]) })
    stream.push(at(a, 4, completed(a)))
    stream.push(at(b, 1))
    const sink = createSink()
    stream.start(sink)
    expect(sink.events().map((e) => e.id)).toEqual([`${a}:4,${b}:1`])
    stream.push(at(b, 2, completed(b)))
    expect(sink.closed).toBe(true)
  })

  it('keeps every event of a backlog below coalesceAboveBytes', () => {
    const stream = open({ coalesceAboveBytes: 100_000 })
    const sink = createSink()
    stream.start(sink)
    sink.full = true
    for (let seq = 1; seq <= 50; seq++) stream.push(at(a, seq))
    sink.drain()
    expect(sink.events().map((e) => Number(e.id))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    stream.close()
  })

  it('under backpressure coalesces progress to the latest and keeps every status change', () => {
    const stream = open({ taskIds: [a, b], idFormat: 'cursor', coalesceAboveBytes: 0 })
    const sink = createSink()
    stream.start(sink)
    sink.full = true
    stream.push(at(a, 1))
    for (let seq = 2; seq <= 50; seq++) stream.push(at(a, seq))
    stream.push(at(b, 1, queued(b)))
    stream.push(at(b, 2, queued(b, 0)))
    stream.push(at(b, 3))
    stream.push(at(b, 4))
    stream.push(at(a, 51, completed(a)))
    stream.push(at(b, 5, failed(b)))
    expect(sink.events().map((e) => e.id)).toEqual([`${a}:1`])
    sink.drain()
    expect(sink.events().map((e) => [e.event, e.id])).toEqual([
      ['in-progress', `${a}:1`],
      ['in-progress', `${a}:50`],
      ['queued', `${a}:50,${b}:2`],
      ['in-progress', `${a}:50,${b}:4`],
      ['completed', `${a}:51,${b}:4`],
      ['error', `${a}:51,${b}:5`],
    ])
    expect(ends).toEqual(['finished'])
  })

  it('resumes writing after a drain and stops again when the buffer fills', () => {
    const stream = open({ coalesceAboveBytes: 0 })
    const sink = createSink()
    stream.start(sink)
    sink.full = true
    stream.push(at(a, 1))
    stream.push(at(a, 2, queued(a)))
    stream.push(at(a, 3))
    stream.push(at(a, 4))
    // The drain lets one write through; the buffer is full again and the rest waits for the next one.
    sink.drain(1)
    expect(sink.events().map((e) => e.id)).toEqual(['1', '2'])
    vi.advanceTimersByTime(29_000)
    sink.drain()
    expect(sink.events().map((e) => e.id)).toEqual(['1', '2', '4'])
    expect(sink.aborted).toBe(false)
    stream.close()
  })

  it('drops a client that stays stuck past maxStallMs, with a final comment, and never blocks', () => {
    const stream = open({ maxStallMs: 5000, coalesceAboveBytes: 0 })
    const sink = createSink()
    stream.start(sink)
    sink.full = true
    stream.push(at(a, 1))
    for (let seq = 2; seq < 1000; seq++) stream.push(at(a, seq))
    vi.advanceTimersByTime(4999)
    expect(sink.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(sink.aborted).toBe(true)
    expect(parseSseText(sink.text).at(-1)).toEqual({ comment: 'dropped: SSE_CONSUMER_TOO_SLOW' })
    expect(ends).toEqual(['dropped'])
    stream.push(at(a, 1000))
    sink.drain()
    expect(sink.events().map((e) => e.id)).toEqual(['1'])
  })

  it('drops a client whose queue passes maxQueuedBytes', () => {
    const stream = open({ taskIds: [a, b], idFormat: 'cursor', maxQueuedBytes: 2000 })
    const sink = createSink()
    stream.start(sink)
    sink.full = true
    stream.push(at(a, 1))
    stream.push(at(a, 2, queued(a)))
    expect(sink.aborted).toBe(false)
    stream.push(at(a, 3, inProgress(a, 3, 'x'.repeat(3000))))
    expect(sink.aborted).toBe(true)
    expect(ends).toEqual(['dropped'])
  })

  it('sends a heartbeat comment every heartbeatMs, but not into a full buffer', () => {
    const stream = open({ heartbeatMs: 1000 })
    const sink = createSink()
    stream.start(sink)
    vi.advanceTimersByTime(3000)
    const pings = () => parseSseText(sink.text).filter((e) => e.comment === 'ping').length
    expect(pings()).toBe(3)
    sink.full = true
    stream.push(at(a, 1))
    vi.advanceTimersByTime(3000)
    expect(pings()).toBe(3)
    sink.drain()
    vi.advanceTimersByTime(1000)
    expect(pings()).toBe(4)
    stream.close()
  })

  it('stops everything when the client goes away', () => {
    const stream = open()
    const sink = createSink()
    stream.start(sink)
    sink.disconnect()
    expect(ends).toEqual(['client-closed'])
    expect(stream.ended).toBe(true)
    const written = sink.text
    stream.push(at(a, 1))
    vi.advanceTimersByTime(60_000)
    expect(sink.text).toBe(written)
  })

  it('closes a sink at once if the stream ended before start', () => {
    const stream = open()
    stream.close()
    const sink = createSink()
    stream.start(sink)
    expect(sink.closed).toBe(true)
    expect(sink.text).toBe('')
  })
})
