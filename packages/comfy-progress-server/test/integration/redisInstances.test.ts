/**
 * Several server instances sharing one Redis and one ComfyUI (the simulator): each instance is a
 * real child process (`redisInstance.ts`), each browser a real EventSource. A task created on one
 * instance is followed on another; a stream moves between instances with `Last-Event-ID`; an
 * instance is killed with SIGKILL mid-task and another takes the task over; Redis restarts mid-task.
 */
import { randomBytes } from 'node:crypto'
import type { TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import type { Redis } from 'ioredis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import { isTerminalEvent } from '../../src/tasks/isTerminalEvent.js'
import { cleanUpRedis, connectRedis, SHARED_REDIS, startRedisServer, uniquePrefix } from './redisHelpers.js'
import {
  disposeAll,
  disposers,
  expectFaithful,
  follow,
  generate,
  startInstance,
} from './redisInstanceHarness.js'

const LEASE_TTL_MS = 1_000

afterEach(disposeAll)

/** The simulator (sampler steps slowed to `stepMs`), a fresh prefix and two instances on one Redis. */
async function setUp(options: { stepMs: number; redisPort?: number }) {
  const sim: ComfyUiSim = await createComfyUiSim({ timing: { stepMs: options.stepMs } })
  disposers.push(() => sim.close())
  const redisPort = options.redisPort ?? SHARED_REDIS.port
  const keyPrefix = uniquePrefix()
  const redis: Redis = connectRedis(redisPort)
  redis.on('error', () => undefined)
  disposers.push(() => cleanUpRedis(redis, keyPrefix))
  const config = {
    simUrl: sim.url,
    redisPort,
    keyPrefix,
    imageSecret: randomBytes(32).toString('base64url'),
    leaseTtlMs: LEASE_TTL_MS,
  }
  const [a, b] = await Promise.all([startInstance('A', config), startInstance('B', config)])
  const store = new RedisTaskStore({ redis, keyPrefix })
  return { sim, a, b, store, redis }
}

describe('several server instances on one Redis', { timeout: 60_000 }, () => {
  it('follows a task created on A over SSE on B, from start to finish', async () => {
    const { a, b, store } = await setUp({ stepMs: 40 })
    const taskId = await generate(a)
    const stream = follow(b, `/progress/${taskId}`)
    await stream.waitForTerminal()
    expect(stream.terminal()[0]?.event).toMatchObject({ status: 'completed', result: { seed: 42, uid: 7 } })
    await expectFaithful(store, taskId, stream.received)
    // The status route answers the same on both instances.
    for (const instance of [a, b]) {
      const status = (await (await fetch(`${instance.baseUrl}/tasks/${taskId}`)).json()) as TaskEvent
      expect(status.status).toBe('completed')
    }
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('moves a stream from A to B mid-task with Last-Event-ID, missing and repeating nothing', async () => {
    const { a, b, store } = await setUp({ stepMs: 150 })
    const taskId = await generate(a)
    const first = follow(a, `/progress/${taskId}`)
    await first.waitForProgress(30)
    first.source.close()
    const before = [...first.received]
    expect(before.some((r) => isTerminalEvent(r.event))).toBe(false)
    const second = follow(b, `/progress/${taskId}?lastEventId=${before.at(-1)!.id}`)
    await second.waitForTerminal()
    const all = [...before, ...second.received]
    await expectFaithful(store, taskId, all)
    expect(all.at(-1)?.event.status).toBe('completed')
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('cancels on B a task that runs on A: A stops and every stream ends with one cancelled event', async () => {
    const { a, b, store } = await setUp({ stepMs: 150 })
    const taskId = await generate(a)
    const onA = follow(a, `/progress/${taskId}`)
    const onB = follow(b, `/progress/${taskId}`)
    await onB.waitForProgress(10)
    const answer = await fetch(`${b.baseUrl}/tasks/${taskId}/cancel`, { method: 'POST' })
    expect(answer.status).toBe(202)
    expect(await answer.json()).toEqual({ taskId, action: 'interrupted' })
    await onA.waitForTerminal()
    await onB.waitForTerminal()
    for (const stream of [onA, onB]) {
      expect(stream.terminal().map((r) => r.event.status)).toEqual(['cancelled'])
      await expectFaithful(store, taskId, stream.received)
    }
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('completes the task for the subscriber on B when A is killed (SIGKILL) mid-task', async () => {
    const { a, b, store } = await setUp({ stepMs: 300 })
    const taskId = await generate(a)
    const stream = follow(b, `/progress/${taskId}`)
    await stream.waitForProgress(10)
    await a.kill('SIGKILL')
    const atKill = stream.received.length
    await stream.waitForTerminal()
    const done = stream.terminal()[0]!.event
    expect(done.status).toBe('completed')
    // B took the prompt over live: it followed progress after A died, and never went backwards.
    expect(stream.received.slice(atKill).some((r) => r.event.status === 'in-progress')).toBe(true)
    await expectFaithful(store, taskId, stream.received)
    // The result image is served by B (same image secret), never by ComfyUI directly.
    const imageUrl = (done as Extract<TaskEvent, { status: 'completed' }>).result.imageUrl
    const image = await fetch(b.baseUrl + imageUrl)
    expect(image.status).toBe(200)
    expect(b.errors).toEqual([])
  })

  it('completes the task for the subscriber on B when Redis restarts mid-task', async () => {
    const redisServer = await startRedisServer({ appendOnly: true })
    disposers.push(() => redisServer.dispose())
    const { a, b, store, redis } = await setUp({ stepMs: 200, redisPort: redisServer.port })
    const taskId = await generate(a)
    const stream = follow(b, `/progress/${taskId}`)
    await stream.waitForProgress(10)
    await redisServer.stop()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await redisServer.start()
    await stream.waitForTerminal()
    expect(stream.terminal()[0]?.event.status).toBe('completed')
    await vi.waitFor(() => expect(redis.status).toBe('ready'))
    await expectFaithful(store, taskId, stream.received)
  })
})
