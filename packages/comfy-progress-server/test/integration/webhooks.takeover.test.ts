/**
 * Webhooks of a task taken over from a dead instance: two TaskManagers share a memory store and bus,
 * a stand-in ownership hands the task from A to B, and ComfyUI is the simulator (paused, so the
 * prompt is still pending when A dies). B's dispatcher replays what A may not have delivered and
 * delivers the rest, to the app's endpoints and to the request's own webhook that came in the handoff.
 */
import { ComfyClient, type TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryEventBus } from '../../src/store/MemoryEventBus.js'
import { MemoryTaskStore } from '../../src/store/MemoryTaskStore.js'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import type { TaskHandoff, TaskOwnership, TaskOwnershipHandlers } from '../../src/tasks/TaskOwnership.js'
import { WebhookDispatcher } from '../../src/webhooks/WebhookDispatcher.js'
import type { WebhookDispatcherOptions } from '../../src/webhooks/WebhookDispatcherOptions.js'
import { createWebhookSecret } from '../../src/webhooks/webhookSecret.js'
import { loadWorkflow } from '../helpers.js'
import { signatureHeaders, startReceiver, type WebhookReceiver } from './webhooksReceiver.js'

const appSecret = createWebhookSecret()
const taskSecret = createWebhookSecret()

/** Ownership as a test drives it: handoffs kept as JSON (as Redis keeps them), handed over by hand. */
class HandOverOwnership implements TaskOwnership {
  handlers: TaskOwnershipHandlers | null = null
  constructor(readonly handoffs: Map<string, string>) {}
  claim(taskId: string, handoff: TaskHandoff): Promise<void> {
    this.handoffs.set(taskId, JSON.stringify(handoff))
    return Promise.resolve()
  }
  release(): Promise<void> {
    return Promise.resolve()
  }
  start(handlers: TaskOwnershipHandlers): void {
    this.handlers = handlers
  }
  close(): Promise<void> {
    return Promise.resolve()
  }
}

describe('webhooks of a task taken over by another instance', () => {
  let sim: ComfyUiSim
  const closers: (() => Promise<unknown>)[] = []
  const receivers: WebhookReceiver[] = []

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    await sim?.close()
    await Promise.all(receivers.splice(0).map((r) => r.close()))
  })

  async function instance(
    shared: { store: MemoryTaskStore; bus: MemoryEventBus; handoffs: Map<string, string> },
    options: WebhookDispatcherOptions,
    clientId?: string,
  ) {
    const client = new ComfyClient({ baseUrl: sim.url, ...(clientId === undefined ? {} : { clientId }) })
    await client.connect()
    const webhooks = new WebhookDispatcher({ allow: ['127.0.0.1'], ...options })
    const ownership = new HandOverOwnership(shared.handoffs)
    const errors: unknown[] = []
    const tasks = new TaskManager({
      client,
      store: shared.store,
      bus: shared.bus,
      ownership,
      webhooks,
      onError: (error) => errors.push(error),
    })
    closers.push(
      () => client.close(),
      () => webhooks.close(),
      () => tasks.close(),
    )
    return { client, webhooks, ownership, tasks, errors }
  }

  /** A creates a task with its own webhook while ComfyUI is paused, then dies; B takes it over. */
  async function handOver(optionsOfB: WebhookDispatcherOptions) {
    sim = await createComfyUiSim({ speed: 200 })
    const own = await startReceiver()
    const app = await startReceiver()
    receivers.push(own, app)
    const shared = {
      store: new MemoryTaskStore(),
      bus: new MemoryEventBus(),
      handoffs: new Map<string, string>(),
    }
    const endpoints = [{ id: 'app', url: `${app.origin}/all`, secret: appSecret }]
    const a = await instance(shared, { endpoints, taskWebhooks: {} })
    sim.pause()
    const { taskId } = await a.tasks.create({
      workflow: loadWorkflow('txt2img-basic.json'),
      webhook: { url: `${own.origin}/mine`, secret: taskSecret },
    })
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${sim.url}/queue`)).json()) as { queue_pending: unknown[] }).queue_pending
            .length,
      )
      .toBe(1)
    // A dies: it stops following the task and delivering its webhooks.
    a.ownership.handlers!.lost(taskId)
    await a.webhooks.close()
    await a.client.close()

    const b = await instance(shared, { endpoints, ...optionsOfB }, a.client.clientId)
    const handoff = JSON.parse(shared.handoffs.get(taskId)!) as TaskHandoff
    await b.ownership.handlers!.adopt(taskId, handoff, null)
    sim.resume()
    return { taskId, own, app, b, store: shared.store }
  }

  const completed = (receiver: WebhookReceiver) =>
    receiver.received.find((r) => (JSON.parse(r.body) as TaskEvent).status === 'completed')

  it("delivers the rest of the task's events, the missed ones replayed, to the app's endpoint and to the request's own webhook", async () => {
    const { taskId, own, app, b, store } = await handOver({ taskWebhooks: {} })
    await expect.poll(() => completed(own) !== undefined, { timeout: 15_000 }).toBe(true)
    await expect.poll(() => completed(app) !== undefined, { timeout: 15_000 }).toBe(true)

    const mine = completed(own)!
    expect(mine.path).toBe('/mine')
    expect((new Webhook(taskSecret).verify(mine.body, signatureHeaders(mine)) as TaskEvent).status).toBe(
      'completed',
    )
    // The first and the last stored event reached both (progress in between is throttled), each
    // under the webhook-id of its sequence number (a replayed repeat shares it).
    const logged = await store.eventsAfter(taskId, 0)
    const ends = [logged[0]!, logged.at(-1)!].map((e) => `${taskId}:${e.seq}`)
    for (const receiver of [own, app]) {
      const ids = new Set(receiver.received.map((r) => String(r.headers['webhook-id'])))
      expect(ends.filter((id) => !ids.has(id))).toEqual([])
    }
    await expect
      .poll(() => b.webhooks.getDeliveries(taskId)?.endpoints.map((e) => [e.endpointId, e.state]))
      .toEqual([
        ['app', 'delivered'],
        ['task', 'delivered'],
      ])
    expect(b.errors).toEqual([])
  })

  it("refuses the request's own webhook where per-task webhooks are off, and still delivers to the app's endpoint", async () => {
    const { own, app, b } = await handOver({})
    await expect.poll(() => completed(app) !== undefined, { timeout: 15_000 }).toBe(true)
    expect(completed(own)).toBeUndefined()
    expect(b.errors.map((e) => (e as { code?: string }).code)).toEqual(['WEBHOOKS_DISABLED'])
  })
})
