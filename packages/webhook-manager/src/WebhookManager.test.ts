import { computeBackoffDelay, isComfyProgressError, type TaskEvent } from '@comfy-progress/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  cancelled,
  completed,
  failed,
  fakeFetch,
  FakeEventSource,
  flush,
  inProgress,
  taskIdOf,
} from '../test/helpers.js'
import { WebhookManager } from './WebhookManager.js'
import type { ConnectionInfo } from './WebhookManagerEvents.js'
import type { WebhookManagerOptions } from './WebhookManagerOptions.js'

const A = taskIdOf(1)
const B = taskIdOf(2)
const C = taskIdOf(3)

/** Records every callback of a subscription, in order. */
function recorder() {
  const calls: { kind: 'progress' | 'complete' | 'error'; value: unknown; event?: TaskEvent }[] = []
  return {
    calls,
    callbacks: {
      onProgress: (event: TaskEvent) =>
        void calls.push({ kind: 'progress', value: event.progress.currentValue }),
      onComplete: (event: TaskEvent & { status: 'completed' }) =>
        void calls.push({ kind: 'complete', value: event.result }),
      onError: (error: unknown, event?: TaskEvent) =>
        void calls.push({ kind: 'error', value: isComfyProgressError(error) ? error.code : error, event }),
    },
    values: () => calls.filter((call) => call.kind === 'progress').map((call) => call.value),
  }
}

function manager(options: WebhookManagerOptions = {}) {
  const states: ConnectionInfo[] = []
  const wm = new WebhookManager({ EventSource: FakeEventSource, random: () => 0.5, ...options })
  wm.on('state', (info) => void states.push(info))
  return { wm, states, names: () => states.map((info) => info.state) }
}

beforeEach(() => {
  FakeEventSource.reset()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})

afterEach(() => {
  vi.useRealTimers()
})

describe('WebhookManager: subscribing and routing', () => {
  it('opens one stream for the task at the end of the tick and routes its events by status', async () => {
    const { wm, names } = manager({ baseUrl: '/api' })
    const task = recorder()
    wm.subscribe(A, task.callbacks)
    expect(FakeEventSource.instances).toHaveLength(0) // nothing synchronously
    await flush()
    const source = FakeEventSource.last
    expect(source.url).toBe(`/api/progress?tasks=${A}`)
    expect(source.withCredentials).toBe(false)
    expect(wm.connection.state).toBe('connecting')
    source.open()
    expect(wm.connection).toEqual({ state: 'connected', attempt: 0 })

    source.send(inProgress(A, 1), `${A}:1`)
    source.send(inProgress(A, 2), `${A}:2`)
    source.send(completed(A), `${A}:3`)
    expect(task.calls).toEqual([
      { kind: 'progress', value: 1 },
      { kind: 'progress', value: 2 },
      { kind: 'complete', value: expect.objectContaining({ imageUrl: '/image/image_123.png', seed: 12345 }) },
    ])
    // The terminal event ends the task: the stream is closed and the manager is idle again.
    await flush()
    expect(source.readyState).toBe(2)
    expect(names()).toEqual(['connecting', 'connected', 'idle'])
  })

  it('shares ONE stream between tasks subscribed in the same tick', async () => {
    const { wm } = manager()
    const ids = Array.from({ length: 10 }, (_, index) => taskIdOf(index + 10))
    const tasks = ids.map((id) => {
      const task = recorder()
      wm.subscribe(id, task.callbacks)
      return task
    })
    await flush()
    expect(FakeEventSource.instances).toHaveLength(1)
    expect(FakeEventSource.last.tasks).toEqual(ids)
    FakeEventSource.last.send(inProgress(ids[3]!, 7), `${ids[3]}:4`)
    expect(tasks.map((task) => task.values())).toEqual(ids.map((_, index) => (index === 3 ? [7] : [])))
  })

  it('reports an error event to onError with its code and the event, and ends the task', async () => {
    const { wm } = manager()
    const task = recorder()
    wm.subscribe(A, task.callbacks)
    await flush()
    FakeEventSource.last.send(failed(A, 'COMFY_EXECUTION_FAILED'), `${A}:2`)
    FakeEventSource.last.send(inProgress(A, 3), `${A}:3`) // nothing after the end
    expect(task.calls).toEqual([
      { kind: 'error', value: 'COMFY_EXECUTION_FAILED', event: failed(A, 'COMFY_EXECUTION_FAILED') },
    ])
  })

  it('uses COMFY_EXECUTION_FAILED for an error event whose code is absent or unknown', async () => {
    const { wm } = manager()
    const a = recorder()
    const b = recorder()
    wm.subscribe(A, a.callbacks)
    wm.subscribe(B, b.callbacks)
    await flush()
    FakeEventSource.last.send(failed(A), `${A}:1`)
    FakeEventSource.last.send(failed(B, 'NOT_A_CODE'), `${A}:1,${B}:1`)
    expect(a.calls[0]?.value).toBe('COMFY_EXECUTION_FAILED')
    expect(b.calls[0]?.value).toBe('COMFY_EXECUTION_FAILED')
  })

  it('reports a cancelled event as TASK_CANCELLED, with the event', async () => {
    const { wm } = manager()
    const task = recorder()
    wm.subscribe(A, task.callbacks)
    await flush()
    FakeEventSource.last.send(cancelled(A), `${A}:4`)
    expect(task.calls).toEqual([{ kind: 'error', value: 'TASK_CANCELLED', event: cancelled(A) }])
  })

  it('routes a queued event to onProgress', async () => {
    const { wm } = manager()
    const seen: string[] = []
    wm.subscribe(A, { onProgress: (event) => void seen.push(event.status) })
    await flush()
    FakeEventSource.last.send({ ...inProgress(A, 0), status: 'queued', queuePosition: 2 }, `${A}:1`)
    expect(seen).toEqual(['queued'])
  })

  it('reports a malformed message as TASK_EVENT_INVALID and goes on following the task', async () => {
    const { wm } = manager()
    const a = recorder()
    const b = recorder()
    wm.subscribe(A, a.callbacks)
    wm.subscribe(B, b.callbacks)
    await flush()
    const source = FakeEventSource.last
    // Names task A but is not a valid event: only A hears of it.
    source.send(
      JSON.stringify({ ...inProgress(A, 1), progress: { percentage: 'x' } }),
      `${A}:1`,
      'in-progress',
    )
    expect(a.calls).toEqual([{ kind: 'error', value: 'TASK_EVENT_INVALID', event: undefined }])
    expect(b.calls).toEqual([])
    // Not even JSON: every task of the stream hears of it.
    source.send('{not json', '', 'in-progress')
    expect(b.calls).toEqual([{ kind: 'error', value: 'TASK_EVENT_INVALID', event: undefined }])
    // Both subscriptions go on.
    source.send(inProgress(A, 2), `${A}:2`)
    source.send(inProgress(B, 5), `${A}:2,${B}:1`)
    expect(a.values()).toEqual([2])
    expect(b.values()).toEqual([5])
    expect(source.readyState).not.toBe(2) // the same stream goes on
  })

  it('ignores events of tasks it does not follow', async () => {
    const { wm } = manager()
    const task = recorder()
    wm.subscribe(A, task.callbacks)
    await flush()
    FakeEventSource.last.send(inProgress(B, 1), `${B}:1`)
    expect(task.calls).toEqual([])
  })

  it('answers an invalid task id with INVALID_TASK_IDS, asynchronously, and opens nothing', async () => {
    const { wm } = manager()
    const task = recorder()
    const stop = wm.subscribe('a,b', task.callbacks)
    expect(task.calls).toEqual([])
    await flush()
    expect(task.calls).toEqual([{ kind: 'error', value: 'INVALID_TASK_IDS', event: undefined }])
    expect(FakeEventSource.instances).toHaveLength(0)
    stop()
    wm.subscribe('', task.callbacks)
    await flush()
    expect(task.calls.at(-1)?.value).toBe('INVALID_TASK_IDS')
  })

  it('reports EVENT_SOURCE_UNAVAILABLE when there is no EventSource (Node, SSR)', async () => {
    const states: string[] = []
    const wm = new WebhookManager()
    wm.on('state', (info) => void states.push(info.state))
    const task = recorder()
    wm.subscribe(A, task.callbacks)
    await flush()
    expect(task.calls).toEqual([{ kind: 'error', value: 'EVENT_SOURCE_UNAVAILABLE', event: undefined }])
    expect(states).toEqual(['given-up'])
  })

  it('calls callbacks as methods of the object given (a class instance keeps its prototype methods and this)', async () => {
    const { wm } = manager()
    class Follower {
      readonly seen: number[] = []
      onProgress(event: TaskEvent): void {
        this.seen.push(event.progress.currentValue)
      }
    }
    const follower = new Follower()
    wm.subscribe(A, follower)
    await flush()
    FakeEventSource.last.send(inProgress(A, 4), `${A}:1`)
    expect(follower.seen).toEqual([4])
  })

  it('keeps delivering to other listeners when one throws, and rethrows on a fresh stack', async () => {
    const { wm } = manager()
    const task = recorder()
    wm.subscribe(A, {
      onProgress: () => {
        throw new Error('app bug')
      },
    })
    wm.subscribe(A, task.callbacks)
    await flush()
    FakeEventSource.last.send(inProgress(A, 1), `${A}:1`)
    expect(task.values()).toEqual([1])
    expect(() => vi.runOnlyPendingTimers()).toThrow('app bug')
  })
})

describe('WebhookManager: unsubscribing', () => {
  it('ends only its own subscription with the returned function; the last one closes the stream', async () => {
    const { wm, names } = manager()
    const one = recorder()
    const two = recorder()
    const stopOne = wm.subscribe(A, one.callbacks)
    const stopTwo = wm.subscribe(A, two.callbacks)
    await flush()
    const source = FakeEventSource.last
    source.open()
    stopOne()
    stopOne() // twice is harmless
    source.send(inProgress(A, 1), `${A}:1`)
    expect(one.values()).toEqual([])
    expect(two.values()).toEqual([1])
    await flush()
    expect(FakeEventSource.instances).toHaveLength(1) // still the same stream
    stopTwo()
    await flush()
    expect(source.readyState).toBe(2)
    expect(FakeEventSource.open).toEqual([])
    expect(names()).toEqual(['connecting', 'connected', 'idle'])
  })

  it('unsubscribe(taskId) ends every subscription of the task and re-plans the stream without it', async () => {
    const { wm } = manager()
    const a1 = recorder()
    const a2 = recorder()
    const b = recorder()
    const stopA1 = wm.subscribe(A, a1.callbacks)
    wm.subscribe(A, a2.callbacks)
    wm.subscribe(B, b.callbacks)
    await flush()
    const first = FakeEventSource.last
    first.send(inProgress(B, 1), `${B}:4`)
    wm.unsubscribe(A)
    wm.unsubscribe(A) // unknown now: nothing
    first.send(inProgress(A, 1), `${A}:1,${B}:4`)
    expect([a1.calls, a2.calls]).toEqual([[], []])
    await flush()
    expect(first.readyState).toBe(2)
    expect(FakeEventSource.last.tasks).toEqual([B])
    expect(FakeEventSource.last.lastEventId).toBe(`${B}:4`)
    stopA1() // an old subscription's function does not touch a newer one
    const again = recorder()
    wm.subscribe(A, again.callbacks)
    await flush()
    expect(FakeEventSource.last.tasks).toEqual([B, A])
  })

  it('calls nothing after an unsubscribe, even for an event already on its way', async () => {
    const { wm } = manager()
    const task = recorder()
    const stop = wm.subscribe(A, {
      onProgress: (event) => {
        task.callbacks.onProgress(event)
        stop()
      },
    })
    const other = recorder()
    wm.subscribe(B, other.callbacks)
    await flush()
    FakeEventSource.last.send(inProgress(A, 1), `${A}:1`)
    FakeEventSource.last.send(inProgress(A, 2), `${A}:2`)
    expect(task.values()).toEqual([1])
  })

  it('on() returns a function that removes the state listener', async () => {
    const wm = new WebhookManager({ EventSource: FakeEventSource })
    const states: string[] = []
    const off = wm.on('state', (info) => void states.push(info.state))
    wm.subscribe(A, {})
    await flush()
    off()
    FakeEventSource.last.open()
    expect(states).toEqual(['connecting'])
    expect(wm.connection.state).toBe('connected')
  })
})

describe('WebhookManager: re-planning the shared stream', () => {
  it('adds a task by reopening the stream with every position, so nothing is missed or repeated', async () => {
    const { wm } = manager()
    const a = recorder()
    const b = recorder()
    wm.subscribe(A, a.callbacks)
    await flush()
    const first = FakeEventSource.last
    first.open()
    first.send(inProgress(A, 1), `${A}:1`)
    first.send(inProgress(A, 2), `${A}:2`)
    wm.subscribe(B, b.callbacks)
    await flush()
    const second = FakeEventSource.last
    expect(first.readyState).toBe(2)
    expect(second.tasks).toEqual([A, B])
    expect(second.lastEventId).toBe(`${A}:2`)
    // A server that replays what the client already holds is de-duplicated anyway.
    second.send(inProgress(A, 2), `${A}:2`)
    second.send(inProgress(B, 9), `${A}:2,${B}:3`)
    second.send(inProgress(A, 3), `${A}:3,${B}:3`)
    expect(a.values()).toEqual([1, 2, 3])
    expect(b.values()).toEqual([9])
  })

  it('ignores the replaced stream, even if it still fires', async () => {
    const { wm } = manager()
    const a = recorder()
    wm.subscribe(A, a.callbacks)
    await flush()
    const first = FakeEventSource.last
    wm.subscribe(B, {})
    await flush()
    first.send(inProgress(A, 1), `${A}:1`)
    first.drop()
    expect(a.values()).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not reopen the stream when a task finishes and others go on', async () => {
    const { wm } = manager()
    wm.subscribe(A, {})
    wm.subscribe(B, {})
    await flush()
    FakeEventSource.last.send(completed(A), `${A}:5`)
    await flush()
    expect(FakeEventSource.instances).toHaveLength(1)
    expect(FakeEventSource.last.readyState).not.toBe(2)
    // …but the next connection no longer asks for the finished task.
    FakeEventSource.last.drop()
    vi.runOnlyPendingTimers()
    expect(FakeEventSource.last.tasks).toEqual([B])
  })
})

describe('WebhookManager: reconnection', () => {
  it('after a drop, closes the EventSource, waits a jittered backoff and resumes from the last ids', async () => {
    const backoff = { initialDelayMs: 100, maxDelayMs: 1000 }
    const { wm, states } = manager({ backoff, random: () => 0.25 })
    const a = recorder()
    const b = recorder()
    wm.subscribe(A, a.callbacks)
    wm.subscribe(B, b.callbacks)
    await flush()
    let source = FakeEventSource.last
    source.open()
    source.send(inProgress(A, 1), `${A}:1`)
    source.send(inProgress(B, 1), `${A}:1,${B}:1`)
    source.send(inProgress(A, 2), `${A}:2,${B}:1`)

    for (let attempt = 0; attempt < 4; attempt++) {
      FakeEventSource.last.drop()
      expect(FakeEventSource.last.readyState).toBe(2) // the browser's own retry is cancelled
      const delay = computeBackoffDelay(attempt, { ...backoff, random: () => 0.25 })
      expect(states.at(-1)).toMatchObject({ state: 'reconnecting', attempt: attempt + 1, delayMs: delay })
      expect(isComfyProgressError(states.at(-1)?.error, 'STREAM_INTERRUPTED')).toBe(true)
      vi.advanceTimersByTime(delay - 1)
      const count = FakeEventSource.instances.length
      expect(FakeEventSource.instances).toHaveLength(count)
      vi.advanceTimersByTime(1)
      expect(FakeEventSource.instances).toHaveLength(count + 1)
    }
    source = FakeEventSource.last
    expect(source.tasks).toEqual([A, B])
    expect(source.lastEventId).toBe(`${A}:2,${B}:1`)
    source.open()
    expect(wm.connection).toEqual({ state: 'connected', attempt: 0 })
    // The server resumes after the cursor; a repeat is dropped all the same.
    source.send(inProgress(A, 2), `${A}:2,${B}:1`)
    source.send(inProgress(A, 3), `${A}:3,${B}:1`)
    source.send(completed(B), `${A}:3,${B}:2`)
    expect(a.values()).toEqual([1, 2, 3])
    expect(b.calls.map((call) => call.kind)).toEqual(['progress', 'complete'])
    // After a successful connection the backoff starts over.
    source.drop()
    expect(states.at(-1)).toMatchObject({
      attempt: 1,
      delayMs: computeBackoffDelay(0, { ...backoff, random: () => 0.25 }),
    })
  })

  it('delivers an event without a usable id (no de-duplication possible)', async () => {
    const { wm } = manager()
    const a = recorder()
    wm.subscribe(A, a.callbacks)
    await flush()
    FakeEventSource.last.send(inProgress(A, 1), '')
    FakeEventSource.last.send(inProgress(A, 1), 'garbage')
    expect(a.values()).toEqual([1, 1])
  })

  it.each([500, 503, 429, 400, 200, 0])(
    'after an HTTP failure answered %i, probes the status once and retries with backoff',
    async (status) => {
      const fetch = fakeFetch(() => status)
      const { wm, states } = manager({ fetch, backoff: { initialDelayMs: 100 } })
      const a = recorder()
      wm.subscribe(A, a.callbacks)
      wm.subscribe(B, {})
      await flush()
      FakeEventSource.last.send(inProgress(A, 1), `${A}:1`)
      FakeEventSource.last.refuse()
      await flush()
      // The same request the EventSource made, to learn the answer it hid.
      expect(fetch.urls).toEqual([FakeEventSource.instances[0]!.url])
      expect(states.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1 })
      expect(states.at(-1)?.error?.details).toEqual({ status })
      vi.runOnlyPendingTimers()
      expect(FakeEventSource.instances).toHaveLength(2)
      expect(a.calls.filter((call) => call.kind === 'error')).toEqual([])
    },
  )

  it('treats a failing fetch (network down) like any other failure: retry', async () => {
    const fetch = Object.assign(() => Promise.reject(new TypeError('Failed to fetch')), { urls: [] })
    const { wm, states } = manager({ fetch })
    wm.subscribe(A, {})
    await flush()
    FakeEventSource.last.refuse()
    await flush()
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting' })
    expect(states.at(-1)?.error?.details).toEqual({ status: 0 })
  })

  it.each([
    [404, 'TASK_NOT_FOUND', 'TASK_NOT_FOUND'],
    [410, 'TASK_EXPIRED', 'TASK_EXPIRED'],
    [404, undefined, 'TASK_NOT_FOUND'],
    [410, undefined, 'TASK_EXPIRED'],
    [404, 'ROUTE_NOT_FOUND', 'ROUTE_NOT_FOUND'],
    [404, 'SOMETHING_ELSE', 'TASK_NOT_FOUND'],
  ])('gives up on %i (code %s) with onError %s, and opens nothing more', async (status, code, expected) => {
    const fetch = fakeFetch(() => (code === undefined ? status : { status, code }))
    const { wm, states } = manager({ fetch })
    const a = recorder()
    wm.subscribe(A, a.callbacks)
    await flush()
    FakeEventSource.last.refuse()
    await flush()
    expect(a.calls).toEqual([{ kind: 'error', value: expected, event: undefined }])
    expect(states.at(-1)?.state).toBe('given-up')
    expect(states.at(-1)?.error?.details).toEqual({ taskId: A, status })
    await flush()
    expect(wm.connection.state).toBe('given-up') // not 'idle': the app can show why
    expect(vi.getTimerCount()).toBe(0)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('on 404 for a multi-task stream, probes each task, gives up on the gone ones only and goes on with the rest', async () => {
    const fetch = fakeFetch((url) =>
      url.includes(B) && !url.includes(',')
        ? { status: 410, code: 'TASK_EXPIRED' }
        : url.includes(',')
          ? 404
          : 200,
    )
    const { wm, names } = manager({ fetch })
    const a = recorder()
    const b = recorder()
    const c = recorder()
    wm.subscribe(A, a.callbacks)
    wm.subscribe(B, b.callbacks)
    wm.subscribe(C, c.callbacks)
    await flush()
    FakeEventSource.last.open()
    FakeEventSource.last.send(inProgress(A, 1), `${A}:3`)
    FakeEventSource.last.refuse()
    await flush()
    expect(fetch.urls.slice(1)).toEqual(
      [A, B, C].map((id) => `/progress?tasks=${id}${id === A ? `&lastEventId=${A}:3` : ''}`),
    )
    expect(b.calls).toEqual([{ kind: 'error', value: 'TASK_EXPIRED', event: undefined }])
    expect([a.calls.length, c.calls.length]).toEqual([1, 0])
    await flush()
    // The rest reconnect at once, from where they were.
    expect(FakeEventSource.last.tasks).toEqual([A, C])
    expect(FakeEventSource.last.lastEventId).toBe(`${A}:3`)
    FakeEventSource.last.open()
    expect(names()).toEqual(['connecting', 'connected', 'given-up', 'connecting', 'connected'])
  })

  it('retries when the per-task probes find nothing gone (the failure was passing)', async () => {
    const fetch = fakeFetch((url) => (url.includes(',') ? 404 : 200))
    const { wm, states } = manager({ fetch })
    wm.subscribe(A, {})
    wm.subscribe(B, {})
    await flush()
    FakeEventSource.last.refuse()
    await flush()
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting' })
    expect(states.at(-1)?.error?.details).toEqual({ status: 404 })
  })

  it('drops a probe answer that arrives after the stream was re-planned', async () => {
    let answer: (status: number) => void = () => undefined
    const fetch = Object.assign(
      () =>
        new Promise<{ status: number; json: () => Promise<unknown> }>((resolve) => {
          answer = (status) => resolve({ status, json: () => Promise.resolve({}) })
        }),
      { urls: [] },
    )
    const { wm } = manager({ fetch })
    const a = recorder()
    wm.subscribe(A, a.callbacks)
    await flush()
    FakeEventSource.last.refuse()
    wm.subscribe(B, {})
    await flush()
    expect(FakeEventSource.last.tasks).toEqual([A, B])
    answer(404)
    await flush()
    expect(a.calls).toEqual([])
    expect(FakeEventSource.instances).toHaveLength(2)
  })

  it('subscribing during a backoff wait connects at once; unsubscribing everything cancels the wait', async () => {
    const { wm, names } = manager()
    wm.subscribe(A, {})
    await flush()
    FakeEventSource.last.drop()
    expect(vi.getTimerCount()).toBe(1)
    wm.subscribe(B, {})
    await flush()
    expect(vi.getTimerCount()).toBe(0)
    expect(FakeEventSource.last.tasks).toEqual([A, B])
    FakeEventSource.last.drop()
    wm.unsubscribe(A)
    wm.unsubscribe(B)
    await flush()
    expect(vi.getTimerCount()).toBe(0)
    expect(FakeEventSource.open).toEqual([])
    expect(names().at(-1)).toBe('idle')
  })

  it('passes withCredentials to EventSource and the probe', async () => {
    const fetch = vi.fn(() => Promise.resolve({ status: 500, json: () => Promise.resolve({}) }))
    const { wm } = manager({ withCredentials: true, fetch })
    wm.subscribe(A, {})
    await flush()
    expect(FakeEventSource.last.withCredentials).toBe(true)
    FakeEventSource.last.refuse()
    await flush()
    expect(fetch).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ credentials: 'include' }),
    )
  })

  it('uses injected timers instead of the global ones', async () => {
    const timers = { setTimeout: vi.fn(() => 42), clearTimeout: vi.fn() }
    const { wm } = manager({ timers })
    wm.subscribe(A, {})
    await flush()
    FakeEventSource.last.drop()
    expect(timers.setTimeout).toHaveBeenCalledWith(
      expect.any(Function),
      computeBackoffDelay(0, { random: () => 0.5 }),
    )
    wm.unsubscribe(A)
    await flush()
    expect(timers.clearTimeout).toHaveBeenCalledWith(42)
  })
})
