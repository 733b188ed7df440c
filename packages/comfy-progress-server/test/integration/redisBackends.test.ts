/**
 * Several server instances and several ComfyUI backends at once: two instances (real child
 * processes) on one Redis, each with the same two simulators as `backends`, and real EventSource
 * subscribers. A task created on A is followed on B to the end; when A is killed mid-task, B takes
 * the task over on the backend that runs it; a backend closed for good ends its task once, for every
 * instance, with `COMFY_UNREACHABLE`.
 */
import { randomBytes } from 'node:crypto'
import type { TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, describe, expect, it } from 'vitest'
import { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import { loadWorkflow } from '../helpers.js'
import { cleanUpRedis, connectRedis, SHARED_REDIS, uniquePrefix } from './redisHelpers.js'
import {
  disposeAll,
  disposers,
  expectFaithful,
  follow,
  generate,
  type Instance,
  startInstance,
} from './redisInstanceHarness.js'

afterEach(disposeAll)

/** Two simulators (sampler steps slowed to `stepMs`) and two instances with both as backends. */
async function setUp(stepMs: number, options: { backendLostTimeoutMs?: number } = {}) {
  const sims: ComfyUiSim[] = await Promise.all([0, 1].map(() => createComfyUiSim({ timing: { stepMs } })))
  for (const sim of sims) disposers.push(() => sim.close())
  const keyPrefix = uniquePrefix()
  const redis = connectRedis()
  redis.on('error', () => undefined)
  disposers.push(() => cleanUpRedis(redis, keyPrefix))
  const config = {
    simUrl: sims[0]!.url,
    backends: sims.map((sim, i) => ({ id: `gpu${i}`, simUrl: sim.url })),
    redisPort: SHARED_REDIS.port,
    keyPrefix,
    imageSecret: randomBytes(32).toString('base64url'),
    leaseTtlMs: 1_000,
    ...options,
  }
  const [a, b] = await Promise.all([startInstance('A', config), startInstance('B', config)])
  return { sims, a, b, store: new RedisTaskStore({ redis, keyPrefix }) }
}

/**
 * Queues a prompt of another client on `sim` (paused), so that its queue is the longer one, and waits
 * until `instance` knows it (its `/health` shows the backend's queue length).
 */
async function occupy(sim: ComfyUiSim, instance: Instance): Promise<void> {
  sim.pause()
  const answer = await fetch(`${sim.url}/prompt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: loadWorkflow('txt2img-basic.json'), client_id: 'someone-else' }),
  })
  expect(answer.status).toBe(200)
  await expect
    .poll(async () => {
      const health = (await (await fetch(`${instance.baseUrl}/health`)).json()) as {
        backends: { id: string; queueRemaining: number | null }[]
      }
      return health.backends.find((backend) => backend.id === 'gpu0')?.queueRemaining
    })
    .toBe(1)
}

async function expectImageServed(instance: Instance, event: TaskEvent, backend: string): Promise<void> {
  if (event.status !== 'completed') throw new Error(`expected completed, got ${event.status}`)
  const url = new URL(event.result.imageUrl, instance.baseUrl)
  expect(url.searchParams.get('backend')).toBe(backend)
  const image = await fetch(url)
  expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png'])
  await image.arrayBuffer()
}

describe('several server instances with several ComfyUI backends', { timeout: 60_000 }, () => {
  it('follows on B, to the end, a task created on A and run on the backend A chose', async () => {
    const { sims, a, b, store } = await setUp(40)
    await occupy(sims[0]!, a)
    const taskId = await generate(a)
    expect((await store.get(taskId))?.metadata.backend).toBe('gpu1')
    const stream = follow(b, `/progress/${taskId}`)
    await stream.waitForTerminal()
    const done = stream.terminal()[0]!.event
    expect(done).toMatchObject({ status: 'completed', result: { seed: 42, uid: 7 } })
    await expectFaithful(store, taskId, stream.received)
    // Either instance serves the image from the backend that made it.
    await expectImageServed(b, done, 'gpu1')
    await expectImageServed(a, done, 'gpu1')
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('keeps a task on its backend across a takeover: A killed mid-task, B finishes it on gpu1', async () => {
    const { sims, a, b, store } = await setUp(300)
    await occupy(sims[0]!, a)
    const taskId = await generate(a)
    expect((await store.get(taskId))?.metadata.backend).toBe('gpu1')
    const stream = follow(b, `/progress/${taskId}`)
    await stream.waitForProgress(10)
    await a.kill('SIGKILL')
    const atKill = stream.received.length
    await stream.waitForTerminal()
    const done = stream.terminal()[0]!.event
    // Followed on gpu0 instead, the prompt would be unknown there and end with COMFY_PROMPT_LOST.
    expect(done.status).toBe('completed')
    expect(stream.received.slice(atKill).some((r) => r.event.status === 'in-progress')).toBe(true)
    await expectFaithful(store, taskId, stream.received)
    await expectImageServed(b, done, 'gpu1')
    // gpu0's own queue was never touched: the other client's prompt still waits there.
    expect(
      ((await (await fetch(`${sims[0]!.url}/prompt`)).json()) as { exec_info: unknown }).exec_info,
    ).toEqual({
      queue_remaining: 1,
    })
    expect(b.errors).toEqual([])
  })

  it('ends a task on a backend closed for good with one COMFY_UNREACHABLE event, seen on B; new tasks go to the other', async () => {
    const { sims, a, b, store } = await setUp(150, { backendLostTimeoutMs: 1_500 })
    const taskId = await generate(a)
    expect((await store.get(taskId))?.metadata.backend).toBe('gpu0')
    const stream = follow(b, `/progress/${taskId}`)
    await stream.waitForProgress(10)
    await sims[0]!.close()
    await stream.waitForTerminal()
    expect(stream.terminal()[0]?.event).toMatchObject({
      status: 'error',
      error: { code: 'COMFY_UNREACHABLE', details: expect.stringContaining('backend gpu0') as unknown },
    })
    // Every stored event once, in order, and one terminal event (an error event reads 0%, "Failed").
    const log = await store.eventsAfter(taskId, 0)
    expect(stream.received.map((r) => [r.id, r.event])).toEqual(log.map((e) => [e.seq, e.event]))
    expect(stream.terminal()).toHaveLength(1)
    // A new task, on either instance, goes to the backend that is still there.
    const next = await generate(b)
    expect((await store.get(next))?.metadata.backend).toBe('gpu1')
    const nextStream = follow(a, `/progress/${next}`)
    await nextStream.waitForTerminal()
    expect(nextStream.terminal()[0]?.event.status).toBe('completed')
    expect([...a.errors, ...b.errors]).toEqual([])
  })
})
