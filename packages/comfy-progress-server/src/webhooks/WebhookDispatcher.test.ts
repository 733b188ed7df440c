import { isComfyProgressError, type TaskEvent } from '@comfy-progress/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { completed, inProgress, queued } from '../../test/helpers.js'
import { MemoryEventBus } from '../store/MemoryEventBus.js'
import { MemoryTaskStore } from '../store/MemoryTaskStore.js'
import { WebhookDispatcher } from './WebhookDispatcher.js'
import type { WebhookSettledInfo } from './WebhookDispatcherEvents.js'
import type { WebhookDispatcherOptions } from './WebhookDispatcherOptions.js'
import { createWebhookSecret } from './webhookSecret.js'

const TASK = 'mB3kV0c6TnS8yq1Zp4W2xA'
const secret = createWebhookSecret()
const endpoint = { url: 'https://hooks.example.com/comfy', secret }
// Resolves every name to a documentation address: the guard refuses it before any socket exists.
const resolve = () => Promise.resolve([{ address: '203.0.113.7', family: 4 }])

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return isComfyProgressError(error) ? error.code : 'not a ComfyProgressError'
  }
  return undefined
}

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return isComfyProgressError(error) ? error.code : 'not a ComfyProgressError'
  }
  return undefined
}

describe('WebhookDispatcher', () => {
  const dispatchers: WebhookDispatcher[] = []
  const create = (options: WebhookDispatcherOptions = {}) => {
    const dispatcher = new WebhookDispatcher({ resolve, ...options })
    dispatchers.push(dispatcher)
    return dispatcher
  }

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()))
  })

  it('accepts valid options, and refuses each bad one with its code', () => {
    expect(
      create({ endpoints: [endpoint, { ...endpoint, id: 'billing', events: ['completed', 'progress'] }] }),
    ).toBeDefined()
    const bad: [WebhookDispatcherOptions, string][] = [
      [{ endpoints: 'x' as never }, 'WEBHOOK_CONFIG_INVALID'],
      [{ endpoints: [null as never] }, 'WEBHOOK_CONFIG_INVALID'],
      [{ endpoints: [{ ...endpoint, url: 'ftp://hooks.example.com/' }] }, 'WEBHOOK_URL_INVALID'],
      [{ endpoints: [{ ...endpoint, url: 'http://10.0.0.1/' }] }, 'WEBHOOK_URL_FORBIDDEN'],
      [{ endpoints: [{ ...endpoint, secret: 'hunter2' }] }, 'WEBHOOK_SECRET_INVALID'],
      [{ endpoints: [{ ...endpoint, events: ['finished' as never] }] }, 'WEBHOOK_CONFIG_INVALID'],
      [{ endpoints: [{ ...endpoint, events: [] }] }, 'WEBHOOK_CONFIG_INVALID'],
      [{ endpoints: [{ ...endpoint, id: 'a b' }] }, 'WEBHOOK_CONFIG_INVALID'],
      [
        {
          endpoints: [
            { ...endpoint, id: 'x' },
            { ...endpoint, id: 'x' },
          ],
        },
        'WEBHOOK_CONFIG_INVALID',
      ],
      [{ timeoutMs: 0 }, 'WEBHOOK_CONFIG_INVALID'],
      [{ throttleMs: -1 }, 'WEBHOOK_CONFIG_INVALID'],
      [{ concurrency: 1.5 }, 'WEBHOOK_CONFIG_INVALID'],
      [{ maxQueuedEvents: Number.NaN }, 'WEBHOOK_CONFIG_INVALID'],
      [{ allow: ['10.0.0.0/99'] }, 'WEBHOOK_CONFIG_INVALID'],
      [{ taskWebhooks: { secret: 'nope' } }, 'WEBHOOK_SECRET_INVALID'],
      [{ userAgent: 'bot\r\nX-Injected: 1' }, 'WEBHOOK_CONFIG_INVALID'],
    ]
    for (const [options, expected] of bad) expect(code(() => create(options))).toBe(expected)
  })

  it('refuses per-task webhooks unless the app enables them', () => {
    const off = create()
    expect(off.taskWebhooksEnabled).toBe(false)
    expect(code(() => off.prepareTaskWebhook({ url: 'https://hooks.example.com/', secret }))).toBe(
      'WEBHOOKS_DISABLED',
    )
    const on = create({ taskWebhooks: {} })
    expect(on.taskWebhooksEnabled).toBe(true)
    expect(
      on.prepareTaskWebhook({ url: 'https://hooks.example.com/', secret, events: ['progress'] }),
    ).toMatchObject({
      endpointId: 'task',
      events: new Set(['in-progress']),
    })
  })

  it('checks a per-task webhook field by field', () => {
    const on = create({ taskWebhooks: {} })
    const withFallback = create({ taskWebhooks: { secret } })
    const cases: [unknown, string][] = [
      ['https://hooks.example.com/', 'WEBHOOK_CONFIG_INVALID'],
      [{ url: 'https://hooks.example.com/' }, 'WEBHOOK_SECRET_INVALID'],
      [{ url: 'https://hooks.example.com/', secret: 42 }, 'WEBHOOK_CONFIG_INVALID'],
      [{ url: 'https://hooks.example.com/', secret: 'whsec_short' }, 'WEBHOOK_SECRET_INVALID'],
      [{ url: 'file:///etc/passwd', secret }, 'WEBHOOK_URL_INVALID'],
      [{ url: 'http://[::ffff:127.0.0.1]/', secret }, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: 'https://hooks.example.com/', secret, events: 'completed' }, 'WEBHOOK_CONFIG_INVALID'],
      [{ url: 42, secret }, 'WEBHOOK_URL_INVALID'],
    ]
    for (const [value, expected] of cases) expect(code(() => on.prepareTaskWebhook(value))).toBe(expected)
    expect(withFallback.prepareTaskWebhook({ url: 'https://hooks.example.com/' }).keys).toHaveLength(1)
  })

  it('subscribes only when a task has somewhere to go, and leaves after the terminal event', async () => {
    const bus = new MemoryEventBus()
    const none = create({ bus })
    await none.watch(TASK)
    expect(bus.subscriberCount(TASK)).toBe(0)

    const dispatcher = create({ bus, endpoints: [endpoint] })
    const failed: WebhookSettledInfo[] = []
    dispatcher.on('failed', (info) => failed.push(info))
    await dispatcher.watch(TASK)
    expect(bus.subscriberCount(TASK)).toBe(1)
    expect(await rejection(dispatcher.watch(TASK))).toBe('TASK_ID_CONFLICT')
    await bus.publish({ taskId: TASK, seq: 1, event: queued(TASK) })
    await bus.publish({ taskId: TASK, seq: 2, event: completed(TASK) })
    expect(bus.subscriberCount(TASK)).toBe(0)
    // hooks.example.com "resolves" to a documentation address: refused at connect time, not retried.
    await expect.poll(() => failed.length).toBe(2)
    expect(failed.map((f) => [f.webhookId, f.attempts, f.error?.code])).toEqual([
      [`${TASK}:1`, 1, 'WEBHOOK_URL_FORBIDDEN'],
      [`${TASK}:2`, 1, 'WEBHOOK_URL_FORBIDDEN'],
    ])
    expect(dispatcher.getDeliveries(TASK)).toEqual({
      taskId: TASK,
      endpoints: [
        expect.objectContaining({
          endpointId: 'endpoint-0',
          origin: 'https://hooks.example.com',
          state: 'failed',
          attempts: 2,
          failed: 2,
          pending: 0,
          lastHttpStatus: null,
          lastError: 'WEBHOOK_URL_FORBIDDEN',
        }),
      ],
    })
  })

  it('replays the events a late watch missed, once each and in order, then the live ones', async () => {
    const bus = new MemoryEventBus()
    const store = new MemoryTaskStore()
    await store.create({ taskId: TASK })
    const publish = async (event: TaskEvent) => bus.publish(await store.append(TASK, event))
    await publish(queued(TASK))
    await publish(inProgress(TASK, 10))
    const dispatcher = create({ bus, endpoints: [endpoint], throttleMs: 0 })
    const settled: number[] = []
    dispatcher.on('failed', (info) => settled.push(info.seq))
    await dispatcher.watch(TASK, { replay: { store, afterSeq: 1 } })
    await publish(inProgress(TASK, 20))
    await publish(completed(TASK))
    await expect.poll(() => settled).toEqual([2, 3, 4])

    const unknown = create({ bus, endpoints: [endpoint] })
    expect(await rejection(unknown.watch('mB3kV0c6TnS8yq1Zp4W2xB', { replay: { store } }))).toBe(
      'TASK_NOT_FOUND',
    )
    expect(bus.subscriberCount('mB3kV0c6TnS8yq1Zp4W2xB')).toBe(0)
  })

  it('says when a task owes no more deliveries: after its terminal event settled, or false on close()', async () => {
    const bus = new MemoryEventBus()
    const dispatcher = create({ bus, endpoints: [endpoint] })
    // A task that is not watched owes nothing.
    expect(await dispatcher.settled(TASK)).toBe(true)
    const failed: string[] = []
    dispatcher.on('failed', (info) => failed.push(info.webhookId))
    await dispatcher.watch(TASK)
    let settled: boolean | null = null
    void dispatcher.settled(TASK).then((value) => (settled = value))
    await bus.publish({ taskId: TASK, seq: 1, event: queued(TASK) })
    await expect.poll(() => failed).toEqual([`${TASK}:1`])
    // Every delivery so far settled, but the terminal event has not come yet.
    expect(settled).toBeNull()
    await bus.publish({ taskId: TASK, seq: 2, event: completed(TASK) })
    await expect.poll(() => settled).toBe(true)
    expect(failed).toEqual([`${TASK}:1`, `${TASK}:2`])

    const other = 'mB3kV0c6TnS8yq1Zp4W2xB'
    await dispatcher.watch(other)
    const owed = dispatcher.settled(other)
    await dispatcher.close()
    expect(await owed).toBe(false)
    expect(await dispatcher.settled(other)).toBe(false)
  })

  it('keeps delivering when an app listener throws', async () => {
    const bus = new MemoryEventBus()
    const dispatcher = create({ bus, endpoints: [endpoint] })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const settled: string[] = []
      dispatcher.on('attempt', () => {
        throw new Error('listener bug')
      })
      dispatcher.on('failed', (info) => settled.push(info.webhookId))
      await dispatcher.watch(TASK)
      await bus.publish({ taskId: TASK, seq: 1, event: queued(TASK) })
      await bus.publish({ taskId: TASK, seq: 2, event: completed(TASK) })
      await expect.poll(() => settled).toEqual([`${TASK}:1`, `${TASK}:2`])
      expect(errors).toHaveBeenCalledTimes(2)
    } finally {
      errors.mockRestore()
    }
  })

  it('refuses to watch without a bus, and after close()', async () => {
    const noBus = create({ endpoints: [endpoint] })
    expect(await rejection(noBus.watch(TASK))).toBe('WEBHOOK_CONFIG_INVALID')
    const closed = create({ bus: new MemoryEventBus(), endpoints: [endpoint], taskWebhooks: {} })
    await closed.close()
    await closed.close()
    expect(await rejection(closed.watch(TASK))).toBe('WEBHOOK_DISPATCHER_CLOSED')
    expect(code(() => closed.prepareTaskWebhook({ url: 'https://hooks.example.com/', secret }))).toBe(
      'WEBHOOK_DISPATCHER_CLOSED',
    )
  })
})
