/**
 * Webhooks of a task that ENDED on an instance killed (SIGKILL) before its deliveries settled: two
 * server processes on the shared Redis (`redisInstance.ts`), the simulator, and real loopback
 * receivers that refuse the terminal event (500) until the kill. The owner keeps the ended task's lease
 * while it retries; once it dies, the other instance takes the ended task over and delivers the
 * terminal event again under the same `webhook-id`, then lets the lease go.
 */
import { randomBytes } from 'node:crypto'
import type { TaskEvent } from '@comfy-progress/core'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { redisKeys } from '../../src/adapters/redis/redisKeys.js'
import { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import { isTerminalEvent } from '../../src/tasks/isTerminalEvent.js'
import { createWebhookSecret } from '../../src/webhooks/webhookSecret.js'
import { loadWorkflow } from '../helpers.js'
import { cleanUpRedis, connectRedis, SHARED_REDIS, uniquePrefix } from './redisHelpers.js'
import { disposeAll, disposers, type Instance, startInstance } from './redisInstanceHarness.js'
import { type ReceivedWebhook, signatureHeaders, startReceiver } from './webhooksReceiver.js'

const LEASE_TTL_MS = 1_000
const appSecret = createWebhookSecret()
const taskSecret = createWebhookSecret()

afterEach(disposeAll)

/**
 * A receiver answering 500 to terminal events while `refusing` (progress is accepted, so that the
 * terminal event is the one retried), 200 after; it records which requests it accepted.
 */
async function flakyReceiver() {
  const state = { refusing: true, accepted: [] as ReceivedWebhook[] }
  const receiver = await startReceiver((request) => {
    if (state.refusing && terminalsOf([request]).length > 0) return { status: 500 }
    state.accepted.push(request)
    return { status: 200 }
  })
  disposers.push(() => receiver.close())
  return { receiver, state }
}

async function setUp() {
  const sim = await createComfyUiSim({ timing: { stepMs: 5 } })
  disposers.push(() => sim.close())
  const keyPrefix = uniquePrefix()
  const redis = connectRedis(SHARED_REDIS.port)
  redis.on('error', () => undefined)
  disposers.push(() => cleanUpRedis(redis, keyPrefix))
  const app = await flakyReceiver()
  const own = await flakyReceiver()
  const config = {
    simUrl: sim.url,
    redisPort: SHARED_REDIS.port,
    keyPrefix,
    imageSecret: randomBytes(32).toString('base64url'),
    leaseTtlMs: LEASE_TTL_MS,
    webhooks: {
      endpoints: [{ id: 'app', url: `${app.receiver.origin}/all`, secret: appSecret }],
      taskSecret,
    },
  }
  const [a, b] = await Promise.all([startInstance('A', config), startInstance('B', config)])
  const store = new RedisTaskStore({ redis, keyPrefix })
  return { sim, a, b, app, own, store, redis, keys: redisKeys(keyPrefix) }
}

async function generate(instance: Instance, webhookUrl: string): Promise<string> {
  const response = await fetch(`${instance.baseUrl}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: loadWorkflow('txt2img-basic.json'), webhook: { url: webhookUrl } }),
  })
  expect(response.status).toBe(202)
  return ((await response.json()) as { taskId: string }).taskId
}

const idOf = (request: ReceivedWebhook) => String(request.headers['webhook-id'])
const terminalsOf = (requests: readonly ReceivedWebhook[]) =>
  requests.filter((r) => isTerminalEvent(JSON.parse(r.body) as TaskEvent))

describe(
  'webhooks of a task that ended on an instance killed before they were delivered',
  { timeout: 60_000 },
  () => {
    it('are delivered by the instance that takes the ended task over, under the same webhook-id, once', async () => {
      const { a, b, app, own, store, redis, keys } = await setUp()
      const taskId = await generate(a, `${own.receiver.origin}/mine`)
      // The task ends on A; both receivers have refused its terminal event at least once.
      await vi.waitFor(async () => expect((await store.get(taskId))?.finishedAt).not.toBeNull(), {
        timeout: 20_000,
      })
      const record = await store.get(taskId)
      expect(record?.latest?.event.status).toBe('completed')
      const terminalId = `${taskId}:${record!.latest!.seq}`
      await vi.waitFor(
        () => {
          for (const { receiver } of [app, own]) expect(receiver.received.map(idOf)).toContain(terminalId)
        },
        { timeout: 10_000, interval: 20 },
      )
      // A still holds the ended task's lease: its deliveries have not settled.
      expect(await redis.exists(keys.handoff(taskId))).toBe(1)

      await a.kill('SIGKILL')
      app.state.refusing = false
      own.state.refusing = false

      // B takes the ended task over, delivers its terminal event, then releases the lease.
      await vi.waitFor(
        () => {
          for (const { state } of [app, own]) expect(terminalsOf(state.accepted)).toHaveLength(1)
        },
        { timeout: 20_000, interval: 20 },
      )
      await vi.waitFor(
        async () => expect(await redis.exists(keys.handoff(taskId), keys.owner(taskId))).toBe(0),
        {
          timeout: 10_000,
        },
      )
      for (const [{ state }, secret] of [
        [app, appSecret],
        [own, taskSecret],
      ] as const) {
        const [accepted] = terminalsOf(state.accepted)
        expect(idOf(accepted!)).toBe(terminalId)
        const event = new Webhook(secret).verify(accepted!.body, signatureHeaders(accepted!)) as TaskEvent
        expect(event).toEqual(record!.latest!.event)
      }
      expect(own.state.accepted.every((r) => r.path === '/mine')).toBe(true)
      expect(b.errors).toEqual([])
    })

    it('are not owed once delivered: the owner lets the lease go and nothing is sent again after a kill', async () => {
      const { a, b, app, own, store, redis, keys } = await setUp()
      app.state.refusing = false
      own.state.refusing = false
      const taskId = await generate(a, `${own.receiver.origin}/mine`)
      await vi.waitFor(
        () => {
          for (const { state } of [app, own]) expect(terminalsOf(state.accepted)).toHaveLength(1)
        },
        { timeout: 20_000, interval: 20 },
      )
      // Settled: A released the lease, so no instance will take the task over.
      await vi.waitFor(
        async () => expect(await redis.exists(keys.handoff(taskId), keys.owner(taskId))).toBe(0),
        {
          timeout: 10_000,
        },
      )
      expect(await redis.zscore(keys.leases, taskId)).toBeNull()
      await a.kill('SIGKILL')
      // A fresh task on B is created, ends and is delivered after the kill: by then B has scanned for
      // leases to take over several times, and the first task's terminal event came once only.
      const later = await generate(b, `${own.receiver.origin}/mine`)
      await vi.waitFor(
        async () => {
          expect((await store.get(later))?.finishedAt).not.toBeNull()
          for (const { state } of [app, own]) {
            expect(
              terminalsOf(state.accepted)
                .map(idOf)
                .some((id) => id.startsWith(`${later}:`)),
            ).toBe(true)
          }
        },
        { timeout: 20_000, interval: 20 },
      )
      for (const { state } of [app, own]) {
        expect(terminalsOf(state.accepted).filter((r) => idOf(r).startsWith(`${taskId}:`))).toHaveLength(1)
      }
      expect(b.errors).toEqual([])
    })

    it('of a task cancelled on another instance are kept owed by its owner, and re-sent if it dies', async () => {
      const { sim, a, b, app, own, store, redis, keys } = await setUp()
      sim.pause()
      const taskId = await generate(a, `${own.receiver.origin}/mine`)
      await vi.waitFor(async () => {
        const queue = (await (await fetch(`${sim.url}/queue`)).json()) as { queue_pending: unknown[] }
        expect(queue.queue_pending).toHaveLength(1)
      })
      // B removes the pending prompt and writes the terminal event; A, the owner, delivers it (refused).
      const answer = await fetch(`${b.baseUrl}/tasks/${taskId}/cancel`, { method: 'POST' })
      expect(answer.status).toBe(202)
      expect(await answer.json()).toEqual({ taskId, action: 'removed' })
      const record = await store.get(taskId)
      expect(record?.latest?.event.status).toBe('cancelled')
      const terminalId = `${taskId}:${record!.latest!.seq}`
      await vi.waitFor(
        () => {
          for (const { receiver } of [app, own]) expect(receiver.received.map(idOf)).toContain(terminalId)
        },
        { timeout: 10_000, interval: 20 },
      )
      // A renews the lease after finding the task ended elsewhere: it keeps it while it owes webhooks.
      const before = await redis.zscore(keys.leases, taskId)
      await vi.waitFor(async () => expect(await redis.zscore(keys.leases, taskId)).not.toBe(before), {
        timeout: 10_000,
      })
      expect(await redis.exists(keys.handoff(taskId))).toBe(1)

      await a.kill('SIGKILL')
      app.state.refusing = false
      own.state.refusing = false
      await vi.waitFor(
        () => {
          for (const { state } of [app, own])
            expect(terminalsOf(state.accepted).map(idOf)).toEqual([terminalId])
        },
        { timeout: 20_000, interval: 20 },
      )
      await vi.waitFor(
        async () => expect(await redis.exists(keys.handoff(taskId), keys.owner(taskId))).toBe(0),
        {
          timeout: 10_000,
        },
      )
      sim.resume()
      expect(b.errors).toEqual([])
    })
  },
)
