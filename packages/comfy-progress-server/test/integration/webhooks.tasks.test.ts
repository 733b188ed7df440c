/**
 * Webhooks wired into the TaskManager, everything real: the ComfyUI simulator over `ws`, ComfyClient,
 * TaskManager, the node adapter on an ephemeral port, and webhook receivers on 127.0.0.1.
 */
import { ComfyClient, type TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../../src/adapters/node/index.js'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import { WebhookDispatcher } from '../../src/webhooks/WebhookDispatcher.js'
import type { WebhookDispatcherOptions } from '../../src/webhooks/WebhookDispatcherOptions.js'
import { createWebhookSecret } from '../../src/webhooks/webhookSecret.js'
import { listenHttp1, loadWorkflow, type TestServer } from '../helpers.js'
import { signatureHeaders, startReceiver, type WebhookReceiver } from './webhooksReceiver.js'

const appSecret = createWebhookSecret()
const taskSecret = createWebhookSecret()

describe('webhooks of tasks created through POST /generate', () => {
  let sim: ComfyUiSim
  let client: ComfyClient
  let tasks: TaskManager
  let webhooks: WebhookDispatcher
  let server: TestServer
  let backgroundErrors: unknown[]
  const receivers: WebhookReceiver[] = []

  async function start(options: WebhookDispatcherOptions) {
    sim = await createComfyUiSim({ speed: 200 })
    client = new ComfyClient({ baseUrl: sim.url })
    await client.connect()
    webhooks = new WebhookDispatcher({ allow: ['127.0.0.1'], ...options })
    backgroundErrors = []
    tasks = new TaskManager({
      client,
      webhooks,
      basePath: '/api',
      onError: (error) => backgroundErrors.push(error),
    })
    server = await listenHttp1(createHandler({ tasks }))
  }

  async function receiver(): Promise<WebhookReceiver> {
    const started = await startReceiver()
    receivers.push(started)
    return started
  }

  const generate = async (body: Record<string, unknown>) => {
    const response = await fetch(`${server.baseUrl}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workflow: loadWorkflow('txt2img-basic.json'),
        workflowName: 'txt2img',
        ...body,
      }),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  afterEach(async () => {
    await tasks?.close()
    await webhooks?.close()
    await client?.close()
    await sim?.close()
    await server?.close()
    await Promise.all(receivers.splice(0).map((r) => r.close()))
    expect(backgroundErrors).toEqual([])
  })

  it("delivers the task's events to the app's endpoint and to the request's own webhook, as the store logged them", async () => {
    const app = await receiver()
    const own = await receiver()
    await start({ endpoints: [{ id: 'app', url: `${app.origin}/all`, secret: appSecret }], taskWebhooks: {} })
    const answer = await generate({
      webhook: { url: `${own.origin}/mine`, secret: taskSecret, events: ['completed'] },
    })
    expect(answer.status).toBe(202)
    const taskId = answer.body.taskId as string

    await expect
      .poll(() => app.received.some((r) => r.body.includes('"status":"completed"')), { timeout: 15_000 })
      .toBe(true)
    await expect.poll(() => own.received.length).toBe(1)

    // Every delivered body is, byte for byte, the stored event of its sequence number.
    const logged = new Map(
      (await tasks.store.eventsAfter(taskId, 0)).map((e) => [e.seq, JSON.stringify(e.event)]),
    )
    const official = new Webhook(appSecret)
    for (const request of app.received) {
      const seq = Number(request.headers['webhook-sequence'])
      expect(request.headers['webhook-id']).toBe(`${taskId}:${seq}`)
      expect(request.body).toBe(logged.get(seq))
      expect(official.verify(request.body, signatureHeaders(request))).toEqual(JSON.parse(request.body))
    }
    const statuses = app.received.map((r) => (JSON.parse(r.body) as TaskEvent).status)
    expect(statuses[0]).toBe('queued')
    expect(statuses.at(-1)).toBe('completed')

    const mine = own.received[0]!
    expect(mine.path).toBe('/mine')
    expect((new Webhook(taskSecret).verify(mine.body, signatureHeaders(mine)) as TaskEvent).status).toBe(
      'completed',
    )
    await expect
      .poll(() => webhooks.getDeliveries(taskId)?.endpoints.map((e) => [e.endpointId, e.state]))
      .toEqual([
        ['app', 'delivered'],
        ['task', 'delivered'],
      ])
  })

  it('refuses a bad per-task webhook with its code and status, and creates no task; a good one next to it is accepted', async () => {
    const own = await receiver()
    await start({ taskWebhooks: { secret: taskSecret } })
    const cases: [unknown, number, string][] = [
      [{ url: 'file:///etc/passwd' }, 400, 'WEBHOOK_URL_INVALID'],
      [{ url: 'http://user:pw@hooks.example.com/' }, 400, 'WEBHOOK_URL_INVALID'],
      [{ url: 'http://169.254.169.254/latest/meta-data/' }, 400, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: 'http://[::ffff:10.0.0.1]/' }, 400, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: own.origin, secret: 'not-a-secret' }, 400, 'WEBHOOK_SECRET_INVALID'],
      [{ url: own.origin, events: ['everything'] }, 400, 'WEBHOOK_CONFIG_INVALID'],
      ['https://hooks.example.com/', 400, 'WEBHOOK_CONFIG_INVALID'],
    ]
    for (const [webhook, status, code] of cases) {
      const answer = await generate({ webhook })
      expect([webhook, answer.status, (answer.body.error as { code: string }).code]).toEqual([
        webhook,
        status,
        code,
      ])
    }
    expect(await tasks.store.count()).toEqual({ live: 0, finished: 0 })

    const good = await generate({ webhook: { url: own.origin, events: ['completed'] } })
    expect(good.status).toBe(202)
    await expect.poll(() => own.received.length, { timeout: 15_000 }).toBe(1)
  })

  it('answers 403 WEBHOOKS_DISABLED where the app has not enabled per-task webhooks', async () => {
    const own = await receiver()
    await start({})
    const answer = await generate({ webhook: { url: own.origin, secret: taskSecret } })
    expect(answer.status).toBe(403)
    expect((answer.body.error as { code: string }).code).toBe('WEBHOOKS_DISABLED')
    expect(await tasks.store.count()).toEqual({ live: 0, finished: 0 })
    expect((await generate({})).status).toBe(202)
  })
})
