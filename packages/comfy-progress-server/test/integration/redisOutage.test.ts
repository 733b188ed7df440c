/**
 * Connection loss, against a real, private `redis-server` that the tests kill (SIGKILL) and restart:
 * typed errors while Redis is down, reconnection, re-subscription of the bus, gaps filled from the
 * log, and no task left half written.
 */
import { isComfyProgressError, type TaskEvent } from '@comfy-progress/core'
import type { Redis } from 'ioredis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RedisEventBus } from '../../src/adapters/redis/RedisEventBus.js'
import { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import type { StoredTaskEvent } from '../../src/store/TaskStore.js'
import { createTaskId } from '../../src/tasks/createTaskId.js'
import { expectCode } from '../contracts/taskStore.contract.js'
import { completed, inProgress, queued } from '../helpers.js'
import { connectRedis, startRedisServer, uniquePrefix } from './redisHelpers.js'

const disposers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose()
})

async function setUp(options: { appendOnly: boolean }) {
  const server = await startRedisServer(options)
  disposers.push(() => server.dispose())
  const keyPrefix = uniquePrefix()
  const clients: Redis[] = []
  const connect = () => {
    const client = connectRedis(server.port)
    // ioredis reports connection errors as events; a test that kills Redis expects them.
    client.on('error', () => undefined)
    clients.push(client)
    return client
  }
  disposers.push(() => {
    for (const client of clients) client.disconnect()
  })
  const redis = connect()
  const store = new RedisTaskStore({ redis, keyPrefix, maxEventsPerTask: 100_000 })
  const buses: RedisEventBus[] = []
  const openBus = () => {
    const bus = new RedisEventBus({ redis: connect(), keyPrefix, onError: () => undefined })
    buses.push(bus)
    return bus
  }
  disposers.push(async () => {
    await Promise.all(buses.map((bus) => bus.close()))
  })
  await vi.waitFor(() => expect(redis.status).toBe('ready'))
  return { server, store, redis, connect, openBus }
}

const ready = (...clients: Redis[]) =>
  vi.waitFor(() => expect(clients.map((client) => client.status)).toEqual(clients.map(() => 'ready')), {
    timeout: 10_000,
  })

const down = (client: Redis) => vi.waitFor(() => expect(client.status).not.toBe('ready'))

describe('RedisTaskStore and RedisEventBus when Redis goes away', () => {
  it('reject with STORE_UNAVAILABLE while Redis is down, and work again once it is back', async () => {
    const { server, store, redis, openBus } = await setUp({ appendOnly: true })
    const bus = openBus()
    const taskId = createTaskId()
    await store.create({ taskId, metadata: { prompt: 'a cat' } })
    await store.append(taskId, queued(taskId))

    await server.stop()
    await down(redis)
    const other = createTaskId()
    await expectCode(store.create({ taskId: other }), 'STORE_UNAVAILABLE')
    await expectCode(store.get(taskId), 'STORE_UNAVAILABLE')
    await expectCode(store.append(taskId, inProgress(taskId, 10)), 'STORE_UNAVAILABLE')
    await expectCode(store.eventsAfter(taskId, 0), 'STORE_UNAVAILABLE')
    await expectCode(store.count(), 'STORE_UNAVAILABLE')
    await expectCode(bus.publish({ taskId, seq: 2, event: inProgress(taskId, 10) }), 'STORE_UNAVAILABLE')
    await expectCode(
      bus.subscribe(taskId, () => undefined),
      'STORE_UNAVAILABLE',
    )
    expect(bus.subscriberCount(taskId)).toBe(0)

    await server.start()
    await ready(redis)
    // The append-only file kept the task: it goes on from where it was.
    expect(await store.append(taskId, inProgress(taskId, 10))).toMatchObject({ seq: 2 })
    expect((await store.get(taskId))?.metadata).toEqual({ prompt: 'a cat' })
    expect((await store.eventsAfter(taskId, 0)).map((e) => e.event.status)).toEqual(['queued', 'in-progress'])
    await store.create({ taskId: other })
    expect(await store.count()).toEqual({ live: 2, finished: 0 })
  })

  it('subscribes again after a reconnect and delivers what was published meanwhile, in order, once', async () => {
    const { server, store, redis, connect, openBus } = await setUp({ appendOnly: true })
    const subscriberBus = openBus()
    const publisherBus = openBus()
    const taskId = createTaskId()
    await store.create({ taskId })
    const seen: number[] = []
    await subscriberBus.subscribe(taskId, (entry) => seen.push(entry.seq))
    const emit = async (event: TaskEvent) => publisherBus.publish(await store.append(taskId, event))
    await emit(queued(taskId))
    await vi.waitFor(() => expect(seen).toEqual([1]))

    // Only the subscriber connections drop: events 2 and 3 are published to nobody.
    const admin = connect()
    await ready(admin)
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
    await emit(inProgress(taskId, 10))
    await emit(inProgress(taskId, 20))
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]), { timeout: 10_000 })

    // The whole server restarts: the bus subscribes again and fills the gap from the log.
    await server.stop()
    await down(redis)
    await server.start()
    await ready(redis)
    await emit(inProgress(taskId, 30))
    await emit(completed(taskId))
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4, 5]), { timeout: 10_000 })
  })

  it('leaves no task half written when Redis is killed in the middle of appends', async () => {
    const { server, store, redis } = await setUp({ appendOnly: true })
    const taskIds = Array.from({ length: 4 }, () => createTaskId())
    await Promise.all(taskIds.map((taskId) => store.create({ taskId })))
    const written = new Map<string, StoredTaskEvent[]>(taskIds.map((taskId) => [taskId, []]))
    const failures: unknown[] = []
    let running = true
    let appends = 0
    // One writer per task, each strictly sequential (as TaskManager writes a task's events).
    const writers = taskIds.map(async (taskId) => {
      for (let step = 0; running; step++) {
        try {
          written
            .get(taskId)!
            .push(await store.append(taskId, inProgress(taskId, step % 100, `step ${step}`)))
          appends++
        } catch (error) {
          failures.push(error)
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
    })
    await vi.waitFor(() => expect(appends).toBeGreaterThan(200))
    await server.stop()
    await down(redis)
    await vi.waitFor(() => expect(failures.length).toBeGreaterThan(4))
    await server.start()
    await ready(redis)
    const before = appends
    await vi.waitFor(() => expect(appends).toBeGreaterThan(before + 200), { timeout: 10_000 })
    running = false
    await Promise.all(writers)

    expect(failures.every((error) => isComfyProgressError(error, 'STORE_UNAVAILABLE'))).toBe(true)
    for (const taskId of taskIds) {
      const log = await store.eventsAfter(taskId, 0)
      const record = await store.get(taskId)
      // Sequence numbers 1…n with no gap, the latest is the last entry, nothing applied twice.
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1))
      expect(record?.latest).toEqual(log.at(-1))
      const steps = log.map((e) => e.event.progress.currentStep)
      expect(new Set(steps).size).toBe(steps.length)
      // Every append that resolved is in the log, with the number it was given.
      const bySeq = new Map(log.map((e) => [e.seq, e]))
      for (const entry of written.get(taskId)!) expect(bySeq.get(entry.seq)).toEqual(entry)
    }
  })
})
