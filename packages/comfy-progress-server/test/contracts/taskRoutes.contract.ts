/**
 * The one suite of the task routes, run against every adapter over HTTP/1.1 and HTTP/2: everything
 * real — the ComfyUI simulator over `ws`, ComfyClient, TaskManager, the server on an ephemeral port
 * (mounted under `/api`), and the `eventsource` package as the browser.
 */
import { ComfyClient, type TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, type ComfyUiSimOptions, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { EventSource } from 'eventsource'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RequestHandlerOptions } from '../../src/routes/createRequestHandler.js'
import { MemoryTaskStore, type MemoryTaskStoreOptions } from '../../src/store/MemoryTaskStore.js'
import { createTaskId } from '../../src/tasks/createTaskId.js'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import {
  createFakeClock,
  listen,
  loadWorkflow,
  type NodeHandler,
  type TestServer,
  type Transport,
} from '../helpers.js'

/** An adapter under test: its all-routes handler, served by Node directly or through a fetch bridge. */
export interface TaskRoutesSubject {
  createHandler(options: RequestHandlerOptions): NodeHandler
}

interface Received {
  readonly id: string
  readonly event: TaskEvent
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47]

export function taskRoutesContract(name: string, subject: TaskRoutesSubject): void {
  describe.each<Transport>(['http1', 'http2'])(`task routes contract: ${name} over %s`, (transport) => {
    let sim: ComfyUiSim
    let client: ComfyClient
    let tasks: TaskManager
    let store: MemoryTaskStore
    let server: TestServer
    let clock: ReturnType<typeof createFakeClock>
    let backgroundErrors: unknown[]
    const sources: EventSource[] = []

    async function start(options: { sim?: ComfyUiSimOptions; store?: MemoryTaskStoreOptions } = {}) {
      sim = await createComfyUiSim({ speed: 200, ...options.sim })
      client = new ComfyClient({ baseUrl: sim.url })
      clock = createFakeClock()
      store = new MemoryTaskStore({ taskTtlMs: 60_000, now: clock.now, ...options.store })
      backgroundErrors = []
      tasks = new TaskManager({
        client,
        store,
        basePath: '/api',
        onError: (error) => backgroundErrors.push(error),
      })
      server = await listen(transport, subject.createHandler({ tasks, retryMs: 20, maxBodyBytes: 64 * 1024 }))
    }

    afterEach(async () => {
      for (const source of sources.splice(0)) source.close()
      await tasks?.close()
      await client?.close()
      await sim?.close()
      await server?.close()
      expect(backgroundErrors).toEqual([])
    })

    const request = async (path: string, init: Parameters<TestServer['fetch']>[1] = {}) => {
      const response = await server.fetch(server.baseUrl + path, init)
      const type = response.headers.get('content-type') ?? ''
      const body: unknown = type.startsWith('application/json')
        ? await response.json()
        : new Uint8Array(await response.arrayBuffer())
      return { status: response.status, type, body: body as Record<string, unknown> & Uint8Array }
    }
    const generate = (
      body: unknown,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) =>
      request('/api/generate', {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    const errorCode = (answer: { body: Record<string, unknown> }) =>
      (answer.body.error as { code?: string })?.code

    /** A real EventSource on `path`, recording every task event (and ignoring its own connection errors). */
    function follow(path: string) {
      const source = new EventSource(server.baseUrl + path, { fetch: server.fetch })
      sources.push(source)
      const received: Received[] = []
      for (const type of ['queued', 'in-progress', 'completed', 'error', 'cancelled']) {
        source.addEventListener(type, (message) => {
          if (typeof message.data !== 'string') return
          received.push({ id: message.lastEventId, event: JSON.parse(message.data) as TaskEvent })
        })
      }
      const terminal = () =>
        received.find((r) => ['completed', 'error', 'cancelled'].includes(r.event.status))
      return { source, received, terminal }
    }

    it('runs a task from POST /generate to its terminal event, with every event in order', async () => {
      await start()
      const answer = await generate({
        workflow: loadWorkflow('txt2img-basic.json'),
        workflowName: 'txt2img',
        prompt: 'a lighthouse at dusk',
        result: { seed: 12345, uid: 1732543210123, inpaint: false, inpaintArea: null },
      })
      expect(answer.status).toBe(202)
      const taskId = answer.body.taskId as string
      expect(answer.body).toEqual({
        taskId,
        statusUrl: `/api/tasks/${taskId}`,
        progressUrl: `/api/progress/${taskId}`,
      })

      const { source, received, terminal } = follow(`${answer.body.progressUrl as string}?lastEventId=0`)
      await vi.waitFor(() => expect(terminal()).toBeDefined(), { timeout: 10_000 })
      expect(received.map((r) => Number(r.id))).toEqual(received.map((_, i) => i + 1))
      expect(received[0]?.event.status).toBe('queued')
      expect(received.slice(1, -1).every((r) => r.event.status === 'in-progress')).toBe(true)
      const percentages = received.map((r) => r.event.progress.percentage)
      expect(percentages).toEqual([...percentages].sort((a, b) => a - b))
      const done = received.at(-1)!.event
      expect(done).toMatchObject({
        taskId,
        status: 'completed',
        progress: { percentage: 100, currentStep: 'Complete', currentValue: 20, maxValue: 20 },
        result: {
          prompt: 'a lighthouse at dusk',
          workflow: 'txt2img',
          seed: 12345,
          uid: 1732543210123,
          inpaint: false,
          inpaintArea: null,
        },
      })
      await vi.waitFor(() => expect(source.readyState).toBe(EventSource.CLOSED))

      const status = await request(answer.body.statusUrl as string)
      expect([status.status, status.body]).toEqual([200, done])

      const imageUrl = (done as { result: { imageUrl: string } }).result.imageUrl
      expect(imageUrl).toMatch(/^\/api\/image\/[^?]+\.png\?sig=[\w-]{22}$/)
      const image = await request(imageUrl)
      expect([image.status, image.type]).toEqual([200, 'image/png'])
      expect([...image.body.subarray(0, 4)]).toEqual(PNG_MAGIC)
      // Another first character of the signature (whatever it was: 1 in 64 sigs start with 'A').
      const forged = await request(
        imageUrl.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`),
      )
      expect([forged.status, errorCode(forged)]).toEqual([404, 'IMAGE_NOT_FOUND'])
    })

    it('follows several tasks on one stream to their ends', async () => {
      await start()
      const workflow = loadWorkflow('txt2img-basic.json')
      const a = (await generate({ workflow })).body.taskId as string
      const b = (await generate({ workflow: loadWorkflow('txt2img-new-seed.json') })).body.taskId as string
      const { source, received } = follow(`/api/progress?tasks=${a},${b}&lastEventId=${a}:0,${b}:0`)
      await vi.waitFor(() => expect(source.readyState).toBe(EventSource.CLOSED), { timeout: 10_000 })
      for (const taskId of [a, b]) {
        const own = received.filter((r) => r.event.taskId === taskId).map((r) => r.event)
        expect(own[0]?.status).toBe('queued')
        expect(own.at(-1)?.status).toBe('completed')
      }
      expect(received.at(-1)?.id).toMatch(new RegExp(`^${a}:\\d+,${b}:\\d+$`))
    })

    it('ends a workflow ComfyUI rejects with an error event in ComfyUI’s words', async () => {
      await start()
      const answer = await generate({ workflow: loadWorkflow('validation-out-of-range.json') })
      expect(answer.status).toBe(202)
      const { terminal } = follow(`/api/progress/${answer.body.taskId as string}`)
      await vi.waitFor(() => expect(terminal()).toBeDefined(), { timeout: 10_000 })
      expect(terminal()!.event).toMatchObject({
        status: 'error',
        progress: { percentage: 0, currentStep: 'Failed' },
        error: { message: 'Generation failed', code: 'COMFY_VALIDATION_FAILED' },
      })
      expect((terminal()!.event as { error: { details: string } }).error.details).toMatch(/\(node \d+\)/)
    })

    it('ends a node failure with ComfyUI’s message and node, without server paths', async () => {
      await start()
      sim.faults.failNode({
        classType: 'VAEDecode',
        exceptionType: 'torch.OutOfMemoryError',
        exceptionMessage: 'CUDA out of memory while reading /root/ComfyUI/models/vae/big.safetensors',
      })
      const answer = await generate({ workflow: loadWorkflow('txt2img-basic.json') })
      const { terminal } = follow(`/api/progress/${answer.body.taskId as string}`)
      await vi.waitFor(() => expect(terminal()).toBeDefined(), { timeout: 10_000 })
      const event = terminal()!.event as Extract<TaskEvent, { status: 'error' }>
      expect(event).toMatchObject({ status: 'error', node: { classType: 'VAEDecode' } })
      expect(event.error.details).toContain('torch.OutOfMemoryError in VAEDecode')
      expect(event.error.details).toContain('big.safetensors')
      expect(event.error.details).not.toContain('/root/')
    })

    it('cancels a pending task by removing it from ComfyUI’s queue', async () => {
      await start()
      sim.pause()
      const answer = await generate({ workflow: loadWorkflow('txt2img-basic.json') })
      const taskId = answer.body.taskId as string
      await vi.waitFor(async () => expect((await store.get(taskId))?.metadata.promptId).toBeDefined())
      const { terminal } = follow(`/api/progress/${taskId}`)
      const cancel = await request(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
      expect([cancel.status, cancel.body]).toEqual([202, { taskId, action: 'removed' }])
      await vi.waitFor(() => expect(terminal()?.event.status).toBe('cancelled'))
      const queue = (await (await fetch(`${sim.url}/queue`)).json()) as { queue_pending: unknown[] }
      expect(queue.queue_pending).toEqual([])
      const again = await request(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
      expect([again.status, errorCode(again)]).toEqual([409, 'TASK_FINISHED'])
    })

    it('serves the live preview of a running task, then cancels it by interrupting', async () => {
      await start({
        sim: { speed: 1, timing: { stepMs: 150, firstStepMs: 10, nodeMs: { CheckpointLoaderSimple: 10 } } },
      })
      const answer = await generate({ workflow: loadWorkflow('interrupt-60-steps.json') })
      const taskId = answer.body.taskId as string
      const { received, terminal } = follow(`/api/progress/${taskId}`)
      const withPreview = () => received.find((r) => r.event.preview?.url)
      await vi.waitFor(() => expect(withPreview()).toBeDefined(), { timeout: 10_000 })
      const preview = await request(withPreview()!.event.preview!.url.replace(/^/, ''))
      expect(preview.status).toBe(200)
      expect(preview.type).toMatch(/^image\/(jpeg|png|webp)$/)
      expect(preview.body.length).toBeGreaterThan(0)

      const cancel = await request(`/api/tasks/${taskId}/cancel`, { method: 'POST' })
      expect([cancel.status, cancel.body]).toEqual([202, { taskId, action: 'interrupted' }])
      await vi.waitFor(() => expect(terminal()?.event.status).toBe('cancelled'), { timeout: 10_000 })
      expect(terminal()!.event.progress.currentStep).toBe('Cancelled')
      const after = await request(`/api/tasks/${taskId}/preview`)
      expect([after.status, errorCode(after)]).toEqual([404, 'PREVIEW_NOT_AVAILABLE'])
    })

    it('expires a finished task after its time to live', async () => {
      await start()
      const taskId = (await generate({ workflow: loadWorkflow('txt2img-basic.json') })).body.taskId as string
      await vi.waitFor(async () => expect((await store.get(taskId))?.finishedAt).not.toBeNull(), {
        timeout: 10_000,
      })
      expect((await request(`/api/tasks/${taskId}`)).status).toBe(200)
      clock.advance(60_000)
      for (const [path, method] of [
        [`/api/tasks/${taskId}`, 'GET'],
        [`/api/progress/${taskId}`, 'GET'],
        [`/api/tasks/${taskId}/cancel`, 'POST'],
      ] as const) {
        const answer = await request(path, { method })
        expect([path, answer.status, errorCode(answer)]).toEqual([path, 410, 'TASK_EXPIRED'])
      }
    })

    it('caps live tasks with TOO_MANY_TASKS', async () => {
      await start({ store: { maxLiveTasks: 1 } })
      sim.pause()
      expect((await generate({ workflow: loadWorkflow('txt2img-basic.json') })).status).toBe(202)
      const refused = await generate({ workflow: loadWorkflow('txt2img-basic.json') })
      expect([refused.status, errorCode(refused)]).toEqual([429, 'TOO_MANY_TASKS'])
    })

    it('answers bad bodies, unknown ids and wrong methods with their codes', async () => {
      await start()
      sim.pause()
      const queuedTask = (await generate({ workflow: loadWorkflow('txt2img-basic.json') })).body
        .taskId as string
      const workflow = loadWorkflow('txt2img-basic.json')
      const bodies: [unknown, Record<string, string> | undefined, number, string][] = [
        ['{"workflow": ', undefined, 400, 'BODY_NOT_JSON'],
        [{ workflow }, { 'content-type': 'text/plain' }, 400, 'BODY_NOT_JSON'],
        [{ workflow, prompt: 'x'.repeat(70_000) }, undefined, 413, 'BODY_TOO_LARGE'],
        [[1, 2], undefined, 400, 'BODY_INVALID'],
        [{ prompt: 'a cat' }, undefined, 400, 'BODY_INVALID'],
        [{ workflow: {} }, undefined, 400, 'BODY_INVALID'],
        [{ workflow: { '1': { inputs: {} } } }, undefined, 400, 'BODY_INVALID'],
        [{ workflow: { '1': { class_type: 'X', inputs: [] } } }, undefined, 400, 'BODY_INVALID'],
        [{ workflow, prompt: 7 }, undefined, 400, 'BODY_INVALID'],
        [{ workflow, result: 'x' }, undefined, 400, 'BODY_INVALID'],
      ]
      for (const [body, headers, status, code] of bodies) {
        const answer = await generate(body, headers)
        expect([answer.status, errorCode(answer)]).toEqual([status, code])
      }
      const unknown = createTaskId()
      const requests: [string, string, number, string][] = [
        ['/api/generate', 'GET', 405, 'METHOD_NOT_ALLOWED'],
        [`/api/tasks/${unknown}`, 'GET', 404, 'TASK_NOT_FOUND'],
        [`/api/tasks/${unknown}/cancel`, 'POST', 404, 'TASK_NOT_FOUND'],
        [`/api/tasks/${unknown}/preview`, 'GET', 404, 'PREVIEW_NOT_AVAILABLE'],
        [`/api/tasks/${queuedTask}/preview`, 'GET', 404, 'PREVIEW_NOT_AVAILABLE'],
        [`/api/tasks/${queuedTask}/cancel`, 'GET', 405, 'METHOD_NOT_ALLOWED'],
        ['/api/tasks/nope', 'GET', 400, 'INVALID_TASK_IDS'],
        ['/api/tasks/nope/cancel', 'POST', 400, 'INVALID_TASK_IDS'],
        ['/api/progress/nope', 'GET', 400, 'INVALID_TASK_IDS'],
        [`/api/progress/${unknown}`, 'GET', 404, 'TASK_NOT_FOUND'],
        ['/api/image/x.png?sig=AAAAAAAAAAAAAAAAAAAAAA', 'GET', 404, 'IMAGE_NOT_FOUND'],
        ['/api/image/x.png', 'GET', 404, 'IMAGE_NOT_FOUND'],
        ['/api/nowhere', 'GET', 404, 'ROUTE_NOT_FOUND'],
      ]
      for (const [path, method, status, code] of requests) {
        const answer = await request(path, { method })
        expect([path, method, answer.status, errorCode(answer)]).toEqual([path, method, status, code])
      }
    })

    it('reports ComfyUI’s state on /health: 200 while connected, 503 once it is gone', async () => {
      await start()
      await vi.waitFor(async () => expect((await request('/api/health')).status).toBe(200))
      const healthy = await request('/api/health')
      expect(healthy.body).toMatchObject({
        status: 'ok',
        comfy: { state: 'connected', breaker: 'closed', queueRemaining: 0 },
        tasks: { live: 0, finished: 0 },
      })
      await sim.close()
      await vi.waitFor(async () => expect((await request('/api/health')).status).toBe(503))
      expect((await request('/api/health')).body).toMatchObject({
        status: 'degraded',
        comfy: { state: 'reconnecting' },
      })
    })
  })
}
