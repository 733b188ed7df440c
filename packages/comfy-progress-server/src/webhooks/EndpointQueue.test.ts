import { ComfyProgressError, globalTimers, type TaskEvent } from '@comfy-progress/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { completed, inProgress } from '../../test/helpers.js'
import {
  type Delivery,
  type DeliveryOutcome,
  EndpointQueue,
  type EndpointQueueContext,
} from './EndpointQueue.js'
import { planWebhookRetry } from './planWebhookRetry.js'
import type { WebhookAttemptResult } from './sendWebhookRequest.js'

interface Sent {
  readonly delivery: Delivery
  readonly signal: AbortSignal
  readonly at: number
  answer(result: WebhookAttemptResult): void
}

const ok = (status = 200, headers: Record<string, string> = {}): WebhookAttemptResult => ({
  ok: true,
  status,
  headers,
})

function delivery(taskId: string, seq: number, event: TaskEvent): Delivery {
  return {
    webhookId: `${taskId}:${seq}`,
    entry: { taskId, seq, event },
    body: JSON.stringify(event),
    keys: [],
    endpointId: 'e',
    terminal: event.status === 'completed',
    order: 0,
    attempts: 0,
    firstAttemptAt: null,
    state: 'queued',
    timer: null,
  }
}

describe('EndpointQueue', () => {
  let sent: Sent[]
  let settled: { id: string; outcome: DeliveryOutcome }[]
  let disabled: string[]
  let queue: EndpointQueue
  /** Answer automatically with this, unless null (then answer by hand). */
  let auto: ((d: Delivery) => WebhookAttemptResult) | null

  function create(overrides: Partial<EndpointQueueContext> = {}): EndpointQueue {
    return new EndpointQueue({
      timers: globalTimers,
      concurrency: 2,
      maxQueued: 5,
      send: (d, signal) =>
        new Promise((resolve) => {
          const entry = { delivery: d, signal, at: Date.now(), answer: resolve }
          sent.push(entry)
          signal.addEventListener('abort', () =>
            resolve({ ok: false, error: new ComfyProgressError('WEBHOOK_DISPATCHER_CLOSED') }),
          )
          if (auto !== null) resolve(auto(d))
        }),
      planRetry: (state) => planWebhookRetry(state, { initialDelayMs: 1000, maxAttempts: 4 }, () => 1),
      onAttempt: () => undefined,
      onSettled: (d, outcome) => settled.push({ id: d.webhookId, outcome }),
      onDisabled: (error) => disabled.push(error.code),
      ...overrides,
    })
  }

  const flush = () => vi.advanceTimersByTimeAsync(0)
  const outcomes = () =>
    settled.map((s) => [s.id, s.outcome.kind === 'dropped' ? s.outcome.reason : s.outcome.kind])

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 })
    sent = []
    settled = []
    disabled = []
    auto = () => ok()
    queue = create()
  })

  afterEach(async () => {
    await queue.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.useRealTimers()
  })

  it("sends one task's events one at a time, in order, and other tasks in parallel up to the concurrency", async () => {
    auto = null
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    queue.enqueue(delivery('a', 2, completed('a')))
    queue.enqueue(delivery('b', 1, inProgress('b', 1)))
    queue.enqueue(delivery('c', 1, inProgress('c', 1)))
    await flush()
    expect(sent.map((s) => s.delivery.webhookId)).toEqual(['a:1', 'b:1'])
    sent[0]!.answer(ok())
    await flush()
    expect(sent.map((s) => s.delivery.webhookId)).toEqual(['a:1', 'b:1', 'c:1'])
    sent[1]!.answer(ok())
    await flush()
    expect(sent.map((s) => s.delivery.webhookId)).toEqual(['a:1', 'b:1', 'c:1', 'a:2'])
    sent[2]!.answer(ok())
    sent[3]!.answer(ok())
    await flush()
    expect(outcomes()).toEqual([
      ['a:1', 'delivered'],
      ['b:1', 'delivered'],
      ['c:1', 'delivered'],
      ['a:2', 'delivered'],
    ])
    expect(queue.size).toBe(0)
  })

  it('retries 5xx with backoff while the task waits, then goes on in order', async () => {
    let failures = 2
    auto = (d) => (d.webhookId === 'a:1' && failures-- > 0 ? ok(500) : ok())
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    queue.enqueue(delivery('a', 2, completed('a')))
    await flush()
    expect(sent.map((s) => [s.delivery.webhookId, s.at])).toEqual([['a:1', 0]])
    await vi.advanceTimersByTimeAsync(1000)
    await vi.advanceTimersByTimeAsync(2000)
    expect(sent.map((s) => [s.delivery.webhookId, s.at])).toEqual([
      ['a:1', 0],
      ['a:1', 1000],
      ['a:1', 3000],
      ['a:2', 3000],
    ])
    expect(outcomes()).toEqual([
      ['a:1', 'delivered'],
      ['a:2', 'delivered'],
    ])
  })

  it('fails an event when its schedule runs out, and goes on with the next', async () => {
    auto = (d) => (d.webhookId === 'a:1' ? ok(503) : ok())
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    queue.enqueue(delivery('a', 2, completed('a')))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent.filter((s) => s.delivery.webhookId === 'a:1')).toHaveLength(4)
    expect(outcomes()).toEqual([
      ['a:1', 'failed'],
      ['a:2', 'delivered'],
    ])
  })

  it('pauses the whole endpoint for a Retry-After', async () => {
    let limited = true
    auto = (d) => {
      if (d.webhookId === 'a:1' && limited) {
        limited = false
        return ok(429, { 'retry-after': '5' })
      }
      return ok()
    }
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    await flush()
    queue.enqueue(delivery('b', 1, inProgress('b', 1)))
    await vi.advanceTimersByTimeAsync(4999)
    expect(sent.map((s) => s.delivery.webhookId)).toEqual(['a:1'])
    await vi.advanceTimersByTimeAsync(1)
    expect(sent.map((s) => [s.delivery.webhookId, s.at]).sort()).toEqual([
      ['a:1', 0],
      ['a:1', 5000],
      ['b:1', 5000],
    ])
  })

  it('fails redirects and other 4xx at once, without retrying', async () => {
    auto = (d) => (d.webhookId === 'a:1' ? ok(302, { location: 'http://10.0.0.1/' }) : ok(404))
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    queue.enqueue(delivery('a', 2, completed('a')))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sent).toHaveLength(2)
    expect(settled.map((s) => s.outcome.kind === 'failed' && s.outcome.error.code)).toEqual([
      'WEBHOOK_REDIRECT_REFUSED',
      'WEBHOOK_DELIVERY_FAILED',
    ])
  })

  it('disables the endpoint on 410: drops its queue and every later event', async () => {
    auto = null
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    queue.enqueue(delivery('a', 2, completed('a')))
    await flush()
    sent[0]!.answer(ok(410))
    await flush()
    queue.enqueue(delivery('b', 1, completed('b')))
    expect(disabled).toEqual(['WEBHOOK_ENDPOINT_GONE'])
    expect(queue.disabled?.code).toBe('WEBHOOK_ENDPOINT_GONE')
    expect(outcomes()).toEqual([
      ['a:1', 'failed'],
      ['a:2', 'endpoint-gone'],
      ['b:1', 'endpoint-gone'],
    ])
    expect(sent).toHaveLength(1)
  })

  it('replaces a progress event not yet tried by a newer one of its task (latest wins)', async () => {
    auto = null
    queue.enqueue(delivery('a', 1, inProgress('a', 1)))
    await flush()
    queue.enqueue(delivery('a', 2, inProgress('a', 2)))
    queue.enqueue(delivery('a', 3, inProgress('a', 3)))
    queue.enqueue(delivery('a', 4, completed('a')))
    queue.enqueue(delivery('a', 5, inProgress('a', 5))) // after a terminal: not merged into it
    expect(outcomes()).toEqual([['a:2', 'superseded']])
    sent[0]!.answer(ok())
    await flush()
    sent[1]!.answer(ok())
    await flush()
    sent[2]!.answer(ok())
    await flush()
    expect(sent.map((s) => s.delivery.webhookId)).toEqual(['a:1', 'a:3', 'a:4', 'a:5'])
  })

  it('is bounded: drops the oldest progress first, keeps terminal events up to 10×, then drops them too', async () => {
    auto = null
    // One task per event, so nothing is superseded; concurrency 2 keeps 2 in flight.
    for (let i = 1; i <= 5; i++) queue.enqueue(delivery(`p${i}`, 1, inProgress(`p${i}`, 1)))
    await flush()
    expect(queue.size).toBe(5)
    queue.enqueue(delivery('t1', 1, completed('t1')))
    expect(outcomes()).toEqual([['p3:1', 'queue-full']]) // p1 and p2 are in flight
    queue.enqueue(delivery('p6', 1, inProgress('p6', 1)))
    expect(outcomes().at(-1)).toEqual(['p4:1', 'queue-full'])
    for (let i = 2; i <= 60; i++) queue.enqueue(delivery(`t${i}`, 1, completed(`t${i}`)))
    const dropped = settled.filter((s) => s.outcome.kind === 'dropped')
    // Progress went first (p3, p4, p5, p6), then terminal events beyond 10 × 5 = 50.
    expect(dropped.slice(0, 4).map((s) => s.id)).toEqual(['p3:1', 'p4:1', 'p5:1', 'p6:1'])
    expect(dropped.slice(4).every((s) => s.id.startsWith('t'))).toBe(true)
    expect(queue.size).toBe(50)
    const full = dropped.at(-1)!.outcome
    expect(full.kind === 'dropped' && full.error?.code).toBe('WEBHOOK_QUEUE_FULL')
    expect(full.kind === 'dropped' && full.error?.details).toEqual({ limit: 5 })
  })

  it('close() aborts attempts in flight, cancels retries and drops the queue', async () => {
    const hanging = create({
      send: (d, signal) =>
        new Promise((resolve) => {
          sent.push({ delivery: d, signal, at: Date.now(), answer: resolve })
          signal.addEventListener('abort', () =>
            resolve({ ok: false, error: new ComfyProgressError('WEBHOOK_DISPATCHER_CLOSED') }),
          )
          if (d.webhookId === 'b:1') resolve(ok(500))
        }),
    })
    hanging.enqueue(delivery('a', 1, inProgress('a', 1))) // never answered
    hanging.enqueue(delivery('b', 1, inProgress('b', 1))) // 500, then waits for a retry
    hanging.enqueue(delivery('c', 1, completed('c'))) // queued behind the concurrency
    await flush()
    expect(vi.getTimerCount()).toBe(1)
    await hanging.close()
    expect(sent[0]!.signal.aborted).toBe(true)
    expect(outcomes().sort()).toEqual([
      ['a:1', 'closed'],
      ['b:1', 'closed'],
      ['c:1', 'closed'],
    ])
    hanging.enqueue(delivery('d', 1, completed('d')))
    expect(outcomes().at(-1)).toEqual(['d:1', 'closed'])
  })
})
