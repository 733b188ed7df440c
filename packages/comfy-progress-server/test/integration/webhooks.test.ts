import type { TaskEvent } from '@comfy-progress/core'
import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatTaskEventBody } from '../../src/sse/encodeTaskEventFrame.js'
import { MemoryEventBus } from '../../src/store/MemoryEventBus.js'
import type { StoredTaskEvent } from '../../src/store/TaskStore.js'
import { verifyWebhook } from '../../src/webhooks/verifyWebhook.js'
import { WebhookDispatcher } from '../../src/webhooks/WebhookDispatcher.js'
import type {
  WebhookAttemptInfo,
  WebhookEndpointDisabledInfo,
  WebhookSettledInfo,
} from '../../src/webhooks/WebhookDispatcherEvents.js'
import type { WebhookDispatcherOptions } from '../../src/webhooks/WebhookDispatcherOptions.js'
import { createWebhookSecret } from '../../src/webhooks/webhookSecret.js'
import { completed, failed, inProgress, queued } from '../helpers.js'
import {
  type ReceiverAnswer,
  type ReceivedWebhook,
  signatureHeaders,
  startReceiver,
  type WebhookReceiver,
} from './webhooksReceiver.js'

const secret = createWebhookSecret()
/** Short retries so that real-time tests stay short; no jitter. */
const fastRetry = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 }

describe('webhooks over real HTTP', () => {
  const receivers: WebhookReceiver[] = []
  const dispatchers: WebhookDispatcher[] = []
  let bus: MemoryEventBus
  let taskCount = 0

  async function receiver(answer?: (request: ReceivedWebhook) => ReceiverAnswer): Promise<WebhookReceiver> {
    const started = await startReceiver(answer)
    receivers.push(started)
    return started
  }

  function dispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
    const created = new WebhookDispatcher({ bus, allow: ['127.0.0.1'], retry: fastRetry, ...options })
    dispatchers.push(created)
    return created
  }

  /** A fresh task id and a publisher of its events with increasing sequence numbers. */
  function task(): { taskId: string; publish: (event: TaskEvent) => Promise<StoredTaskEvent> } {
    const taskId = `webhookTask${String(++taskCount).padStart(11, '0')}`
    let seq = 0
    return {
      taskId,
      publish: async (event) => {
        const entry = { taskId, seq: ++seq, event }
        await bus.publish(entry)
        return entry
      },
    }
  }

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()))
    await Promise.all(receivers.splice(0).map((r) => r.close()))
  })

  beforeEach(() => {
    bus = new MemoryEventBus()
  })

  it('delivers signed task events that the official standardwebhooks package verifies, body = SSE data', async () => {
    const hook = await receiver()
    const webhooks = dispatcher({ endpoints: [{ url: `${hook.origin}/comfy?src=test`, secret }] })
    const { taskId, publish } = task()
    await webhooks.watch(taskId)
    const entries = [
      await publish(queued(taskId)),
      await publish(inProgress(taskId, 30)),
      await publish(completed(taskId)),
    ]
    await expect.poll(() => hook.received.length).toBe(3)

    const official = new Webhook(secret)
    hook.received.forEach((request, i) => {
      const entry = entries[i]!
      expect(request.path).toBe('/comfy?src=test')
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['webhook-id']).toBe(`${taskId}:${entry.seq}`)
      expect(request.headers['webhook-sequence']).toBe(String(entry.seq))
      expect(official.verify(request.body, signatureHeaders(request))).toEqual(entry.event)
      expect(verifyWebhook(request.body, request.headers, { secret }).event).toEqual(entry.event)
      // Byte for byte what the SSE stream carries as `data:`.
      expect(formatTaskEventBody(entry)).toContain(`\ndata: ${request.body}\n`)
    })
    await expect.poll(() => webhooks.getDeliveries(taskId)?.endpoints[0]?.state).toBe('delivered')
    expect(webhooks.getDeliveries(taskId)?.endpoints[0]).toMatchObject({
      origin: hook.origin,
      attempts: 3,
      delivered: 3,
      failed: 0,
      pending: 0,
      lastHttpStatus: 200,
    })
  })

  it('signs with every secret during a rotation, so receivers holding either verify', async () => {
    const hook = await receiver()
    const next = createWebhookSecret()
    const webhooks = dispatcher({ endpoints: [{ url: hook.origin, secret: [next, secret] }] })
    const { taskId, publish } = task()
    await webhooks.watch(taskId)
    const entry = await publish(completed(taskId))
    await expect.poll(() => hook.received.length).toBe(1)
    const request = hook.received[0]!
    expect(new Webhook(secret).verify(request.body, signatureHeaders(request))).toEqual(entry.event)
    expect(new Webhook(next).verify(request.body, signatureHeaders(request))).toEqual(entry.event)
    expect(() => new Webhook(createWebhookSecret()).verify(request.body, signatureHeaders(request))).toThrow()
  })

  it('retries after 500s with the same webhook-id, so a de-duplicating receiver processes the event once', async () => {
    const processed: TaskEvent[] = []
    const seen = new Set<string>()
    // The receiver processes the event, then fails to answer 200 twice (it crashed before acking).
    const hook = await receiver((request) => {
      const { id, event } = verifyWebhook(request.body, request.headers, { secret })
      if (!seen.has(id)) {
        seen.add(id)
        processed.push(event)
      }
      return { status: request.n <= 2 ? 500 : 200 }
    })
    const webhooks = dispatcher({ endpoints: [{ url: hook.origin, secret }] })
    const attempts: WebhookAttemptInfo[] = []
    webhooks.on('attempt', (info) => attempts.push(info))
    const { taskId, publish } = task()
    await webhooks.watch(taskId)
    const entry = await publish(completed(taskId))
    await expect.poll(() => attempts.at(-1)?.outcome).toBe('delivered')

    expect(hook.received).toHaveLength(3)
    expect(new Set(hook.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([`${taskId}:1`]))
    expect(processed).toEqual([entry.event])
    expect(attempts.map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
      [1, 'retry', 500],
      [2, 'retry', 500],
      [3, 'delivered', 200],
    ])
    expect(webhooks.getDeliveries(taskId)?.endpoints[0]).toMatchObject({
      attempts: 3,
      delivered: 1,
      state: 'delivered',
    })
  })

  it('honours Retry-After on 429', async () => {
    const hook = await receiver((request) =>
      request.n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 },
    )
    const webhooks = dispatcher({ endpoints: [{ url: hook.origin, secret }] })
    const attempts: WebhookAttemptInfo[] = []
    webhooks.on('attempt', (info) => attempts.push(info))
    const { taskId, publish } = task()
    await webhooks.watch(taskId)
    await publish(completed(taskId))
    await expect.poll(() => hook.received.length, { timeout: 5000 }).toBe(2)

    expect(attempts[0]).toMatchObject({ outcome: 'retry', httpStatus: 429 })
    // The backoff alone would wait 20 ms; the receiver asked for 1 s.
    expect(attempts[0]!.retryInMs).toBeGreaterThanOrEqual(1000)
    expect(hook.received[1]!.at - hook.received[0]!.at).toBeGreaterThanOrEqual(990)
    expect(hook.received[1]!.headers['webhook-id']).toBe(hook.received[0]!.headers['webhook-id'])
  })

  it('turns an endpoint off on 410 Gone, and keeps delivering to the others', async () => {
    const gone = await receiver(() => ({ status: 410 }))
    const alive = await receiver()
    const webhooks = dispatcher({
      endpoints: [
        { id: 'gone', url: gone.origin, secret },
        { id: 'alive', url: alive.origin, secret },
      ],
    })
    const disabled: WebhookEndpointDisabledInfo[] = []
    const dropped: WebhookSettledInfo[] = []
    webhooks.on('endpointDisabled', (info) => disabled.push(info))
    webhooks.on('dropped', (info) => dropped.push(info))

    const first = task()
    await webhooks.watch(first.taskId)
    await first.publish(queued(first.taskId))
    await expect.poll(() => disabled.length).toBe(1)
    await first.publish(completed(first.taskId))
    const second = task()
    await webhooks.watch(second.taskId)
    await second.publish(failed(second.taskId))
    await expect.poll(() => alive.received.length).toBe(3)

    expect(gone.received).toHaveLength(1)
    expect(disabled[0]).toMatchObject({ endpointId: 'gone', error: { code: 'WEBHOOK_ENDPOINT_GONE' } })
    expect(dropped.map((d) => [d.endpointId, d.webhookId, d.error?.code])).toEqual([
      ['gone', `${first.taskId}:2`, 'WEBHOOK_ENDPOINT_GONE'],
      ['gone', `${second.taskId}:1`, 'WEBHOOK_ENDPOINT_GONE'],
    ])
    expect(webhooks.getDeliveries(first.taskId)?.endpoints.map((e) => [e.endpointId, e.state])).toEqual([
      ['gone', 'failed'],
      ['alive', 'delivered'],
    ])
  })

  it('a receiver that never answers holds up no other receiver, and times out', async () => {
    const silent = await receiver(() => 'hang')
    const alive = await receiver()
    const webhooks = dispatcher({
      timeoutMs: 300,
      retry: { ...fastRetry, maxAttempts: 2 },
      endpoints: [
        { id: 'silent', url: silent.origin, secret },
        { id: 'alive', url: alive.origin, secret },
      ],
    })
    const failures: WebhookSettledInfo[] = []
    webhooks.on('failed', (info) => failures.push(info))
    const tasks = [task(), task(), task()]
    for (const t of tasks) await webhooks.watch(t.taskId)
    for (const t of tasks) {
      await t.publish(queued(t.taskId))
      await t.publish(inProgress(t.taskId, 50))
      await t.publish(completed(t.taskId))
    }
    // Every event reaches the live receiver while the silent one has not answered anything.
    await expect.poll(() => alive.received.length).toBe(9)
    expect(silent.received.length).toBeGreaterThan(0)
    expect(failures.filter((f) => f.endpointId === 'alive')).toEqual([])

    // The silent receiver's attempts time out and are retried, then fail with WEBHOOK_TIMEOUT.
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBeGreaterThan(0)
    expect(failures[0]).toMatchObject({
      endpointId: 'silent',
      attempts: 2,
      error: { code: 'WEBHOOK_TIMEOUT' },
    })
  })

  it('throttles progress to at most 2 a second per task and delivers the terminal event', async () => {
    const hook = await receiver()
    const webhooks = dispatcher({ endpoints: [{ url: hook.origin, secret }] })
    const { taskId, publish } = task()
    await webhooks.watch(taskId)
    const started = Date.now()
    await publish(queued(taskId))
    for (let i = 1; i <= 120; i++) {
      await publish(inProgress(taskId, Math.min(99, i)))
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const last = await publish(completed(taskId))
    const span = Date.now() - started
    await expect.poll(() => hook.received.at(-1)?.headers['webhook-id']).toBe(`${taskId}:${last.seq}`)

    const statuses = hook.received.map((r) => (JSON.parse(r.body) as TaskEvent).status)
    const progress = statuses.filter((s) => s === 'in-progress').length
    // The throttle spaces progress events ≥ 500 ms apart by its own clock: at most one per 500 ms
    // of publishing, plus the first.
    expect(progress).toBeGreaterThanOrEqual(2)
    expect(progress).toBeLessThanOrEqual(Math.floor(span / 500) + 1)
    expect(statuses[0]).toBe('queued')
    expect(statuses.at(-1)).toBe('completed')
    // In order: sequence numbers only grow (gaps are the throttled events).
    const seqs = hook.received.map((r) => Number(r.headers['webhook-sequence']))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  })

  it('delivers a per-task webhook with its own secret and status filter, only where the app enables it', async () => {
    const hook = await receiver()
    const own = createWebhookSecret()
    const webhooks = dispatcher({ taskWebhooks: {} })
    const { taskId, publish } = task()
    await webhooks.watch(taskId, {
      webhook: { url: `${hook.origin}/task`, secret: own, events: ['completed', 'error'] },
    })
    await publish(queued(taskId))
    await publish(inProgress(taskId, 10))
    const done = await publish(completed(taskId))
    await expect.poll(() => hook.received.length).toBe(1)
    expect(verifyWebhook(hook.received[0]!.body, hook.received[0]!.headers, { secret: own }).event).toEqual(
      done.event,
    )
    expect(webhooks.getDeliveries(taskId)?.endpoints).toEqual([
      expect.objectContaining({ endpointId: 'task', delivered: 1 }),
    ])

    const off = dispatcher({})
    await expect(off.watch(task().taskId, { webhook: { url: hook.origin, secret } })).rejects.toMatchObject({
      code: 'WEBHOOKS_DISABLED',
    })
  })
})
