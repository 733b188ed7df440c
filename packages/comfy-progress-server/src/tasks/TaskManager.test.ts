import {
  ComfyProgressError,
  type PromptListener,
  type PromptOutcome,
  type SubmittedPrompt,
  type TaskEvent,
} from '@comfy-progress/core'
import { describe, expect, it, vi } from 'vitest'
import { expectCode } from '../../test/contracts/taskStore.contract.js'
import { loadWorkflow } from '../../test/helpers.js'
import { MemoryEventBus } from '../store/MemoryEventBus.js'
import { MemoryTaskStore } from '../store/MemoryTaskStore.js'
import { createTaskId } from './createTaskId.js'
import { TaskManager } from './TaskManager.js'
import type { TaskComfyClient } from './TaskManagerOptions.js'
import type { TaskOwnershipHandlers } from './TaskOwnership.js'

// The happy paths run for real against the simulator (test/contracts/taskRoutes.contract.ts). These are
// the outcomes that are awkward to produce on a live server: a prompt reconciled from history, one
// that produced no image, one ComfyUI lost, and a cancel that races the submit.

const workflow = loadWorkflow('txt2img-basic.json')
const image = { filename: 'out_00001_.png', subfolder: '', type: 'output' }

/** A stand-in ComfyClient whose prompts the test ends by hand. */
function createClient(submitResult: 'accept' | Error = 'accept') {
  const listeners: PromptListener[] = []
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => (release = resolve))
  const client = {
    clientId: 'client-1',
    state: 'connected',
    breakerState: 'closed',
    queueRemaining: 0,
    connect: vi.fn(() => Promise.resolve()),
    cancel: vi.fn((_promptId: string) => Promise.resolve('removed' as const)),
    submit: vi.fn(async (_workflow: unknown, options: { listener?: PromptListener } = {}) => {
      if (options.listener) listeners.push(options.listener)
      await gate
      if (submitResult instanceof Error) throw submitResult
      return { promptId: 'prompt-1', number: 1, nodeErrors: {} } as unknown as SubmittedPrompt
    }),
    // ComfyUI has no history entry for a prompt removed from its queue.
    api: { view: vi.fn(), getHistory: vi.fn(() => Promise.resolve(null)) },
  }
  const end = (outcome: PromptOutcome) => {
    for (const listener of listeners) listener({ type: 'end', promptId: 'prompt-1', outcome })
  }
  return { client: client as unknown as TaskComfyClient & typeof client, release, end }
}

async function setUp(submitResult?: 'accept' | Error) {
  const stub = createClient(submitResult)
  const store = new MemoryTaskStore()
  const errors: unknown[] = []
  const tasks = new TaskManager({
    client: stub.client,
    store,
    bus: new MemoryEventBus(),
    imageSecret: 'secret',
    onError: (error) => errors.push(error),
  })
  const { taskId } = await tasks.create({
    workflow,
    workflowName: 'txt2img',
    prompt: 'a cat',
    result: { seed: 7 },
  })
  const events = async () => (await store.eventsAfter(taskId, 0)).map((entry) => entry.event)
  const last = async (): Promise<TaskEvent | undefined> => (await events()).at(-1)
  return { ...stub, store, tasks, taskId, errors, events, last }
}

describe('TaskManager', () => {
  it('answers create with a queued task before ComfyUI answers the submit', async () => {
    const { taskId, events, client, release, errors } = await setUp()
    expect(await events()).toMatchObject([{ taskId, status: 'queued', progress: { percentage: 0 } }])
    expect(client.submit).toHaveBeenCalledOnce()
    release()
    expect(errors).toEqual([])
  })

  it('completes a prompt reconciled from history, with a signed image URL and the app’s fields', async () => {
    const { tasks, taskId, release, end, last } = await setUp()
    release()
    await vi.waitFor(async () => expect((await tasks.get(taskId)).metadata.promptId).toBe('prompt-1'))
    end({ status: 'success', outputs: { '9': { images: [image] } }, message: null, source: 'history' })
    await vi.waitFor(async () => expect((await last())?.status).toBe('completed'))
    expect(await last()).toMatchObject({
      progress: { percentage: 100, currentStep: 'Complete' },
      result: { prompt: 'a cat', workflow: 'txt2img', seed: 7 },
      preview: null,
    })
    const { imageUrl } = ((await last()) as { result: { imageUrl: string } }).result
    expect(imageUrl).toMatch(/^\/image\/out_00001_\.png\?sig=[\w-]{22}$/)
    const sig = new URL(imageUrl, 'http://x').searchParams.get('sig')!
    await expectCode(tasks.image({ ...image, filename: 'other.png' }, sig), 'IMAGE_NOT_FOUND')
  })

  it('ends a prompt that produced no image as an error', async () => {
    const { release, end, last } = await setUp()
    release()
    end({ status: 'success', outputs: {}, message: null, source: 'live' })
    await vi.waitFor(async () => expect((await last())?.status).toBe('error'))
    expect(await last()).toMatchObject({
      error: { details: 'The workflow finished without an output image.' },
    })
  })

  it('ends a prompt ComfyUI lost as an error with the code', async () => {
    const { release, end, last } = await setUp()
    release()
    end({ status: 'abandoned', error: new ComfyProgressError('COMFY_PROMPT_LOST') })
    await vi.waitFor(async () => expect((await last())?.status).toBe('error'))
    expect(await last()).toMatchObject({ error: { code: 'COMFY_PROMPT_LOST' } })
  })

  it('ends a task whose submit failed with an error event, never the error’s URL', async () => {
    const failure = new ComfyProgressError(
      'COMFY_UNREACHABLE',
      'comfy-progress: POST http://10.1.2.3:8188/prompt failed',
    )
    const { release, last } = await setUp(failure)
    release()
    await vi.waitFor(async () => expect((await last())?.status).toBe('error'))
    const event = (await last()) as Extract<TaskEvent, { status: 'error' }>
    expect(event.error.code).toBe('COMFY_UNREACHABLE')
    expect(JSON.stringify(event)).not.toContain('10.1.2.3')
  })

  it('cancels a task whose submit is still in flight, then removes the prompt once it is accepted', async () => {
    const { tasks, taskId, client, release, last } = await setUp()
    expect(await tasks.cancel(taskId)).toBe('removed')
    expect((await last())?.status).toBe('cancelled')
    release()
    await vi.waitFor(() => expect(client.cancel).toHaveBeenCalledWith('prompt-1'))
    await expectCode(tasks.cancel(taskId), 'TASK_FINISHED')
  })

  it('cancels a task another instance follows, through the shared store', async () => {
    const { store, taskId, release, last } = await setUp()
    release()
    await vi.waitFor(async () => expect((await store.get(taskId))?.metadata.promptId).toBe('prompt-1'))
    const other = createClient()
    const peer = new TaskManager({ client: other.client, store, bus: new MemoryEventBus() })
    expect(await peer.cancel(taskId)).toBe('removed')
    expect(other.client.cancel).toHaveBeenCalledWith('prompt-1')
    expect(await last()).toMatchObject({ status: 'cancelled', progress: { currentStep: 'Cancelled' } })
  })

  it('refuses new tasks once closed', async () => {
    const { tasks, release } = await setUp()
    release()
    await tasks.close()
    await expectCode(tasks.create({ workflow }), 'TASK_MANAGER_CLOSED')
  })

  it('takes `client`, `backends`, or both (the client first, as `default`)', async () => {
    const [a, b] = [createClient(), createClient()]
    const single = new TaskManager({ client: a.client })
    expect((await single.health()).backends.map((backend) => backend.id)).toEqual(['default'])
    const both = new TaskManager({ client: a.client, backends: [{ id: 'gpu1', client: b.client }] })
    expect((await both.health()).backends.map((backend) => backend.id)).toEqual(['default', 'gpu1'])
  })

  it('refuses no backend, an empty or repeated backend id, or a backend without a client, with TASK_MANAGER_OPTIONS_INVALID', () => {
    const { client } = createClient()
    const cases: unknown[] = [
      {},
      { backends: [] },
      { backends: 'gpu0' },
      { backends: [{ id: '', client }] },
      {
        backends: [
          { id: 'gpu0', client },
          { id: 'gpu0', client },
        ],
      },
      { client, backends: [{ id: 'default', client }] },
      { backends: [{ id: 'gpu0' }] },
      { backends: [null] },
      { client, backendLostTimeoutMs: 0 },
      { client, backendLostTimeoutMs: -1 },
      { client, backendLostTimeoutMs: Number.NaN },
      { client, backendLostTimeoutMs: '5000' },
      { client, queueLengthMaxAgeMs: -5 },
      { client, queueLengthTimeoutMs: Number.POSITIVE_INFINITY },
    ]
    for (const options of cases) {
      let code: unknown
      try {
        new TaskManager(options as never)
      } catch (error) {
        code = (error as { code?: unknown }).code
      }
      expect([options, code]).toEqual([options, 'TASK_MANAGER_OPTIONS_INVALID'])
    }
  })

  it("follows a taken-over task on the backend stored with it, under that backend's own client", async () => {
    const [a, b] = [createClient(), createClient()]
    const gpu1 = Object.assign(b.client, { clientId: 'client-gpu1', follow: vi.fn() })
    let handlers: TaskOwnershipHandlers | null = null
    const store = new MemoryTaskStore()
    const tasks = new TaskManager({
      backends: [
        { id: 'gpu0', client: a.client },
        { id: 'gpu1', client: gpu1 },
      ],
      store,
      ownership: {
        claim: () => Promise.resolve(),
        release: () => Promise.resolve(),
        start: (given) => void (handlers = given),
        close: () => Promise.resolve(),
      },
    })
    const taskId = createTaskId()
    await store.create({
      taskId,
      metadata: { clientId: 'client-gpu1', backend: 'gpu1', promptId: 'p-9' },
    })
    await handlers!.adopt(taskId, { request: { workflow }, clientId: 'client-gpu1', backend: 'gpu1' }, null)
    expect(gpu1.follow).toHaveBeenCalledWith('p-9', expect.any(Function))
    expect((await tasks.health()).backends.map((backend) => [backend.id, backend.inFlight])).toEqual([
      ['gpu0', 0],
      ['gpu1', 1],
    ])
    handlers!.lost(taskId)
    expect((await tasks.health()).backends[1]!.inFlight).toBe(0)
    await tasks.close()
  })

  it('ends a task whose backend stays unreachable for backendLostTimeoutMs with COMFY_UNREACHABLE naming it', async () => {
    const [a, b] = [createClient(), createClient()]
    const store = new MemoryTaskStore()
    const tasks = new TaskManager({
      backends: [
        { id: 'gpu0', client: a.client },
        { id: 'gpu1', client: b.client },
      ],
      store,
      backendLostTimeoutMs: 60,
    })
    const { taskId } = await tasks.create({ workflow })
    a.release()
    expect((await store.get(taskId))?.metadata.backend).toBe('gpu0')
    await vi.waitFor(() => expect(a.client.submit).toHaveBeenCalledOnce())
    Object.assign(a.client, { state: 'reconnecting' })
    await vi.waitFor(async () => expect((await store.get(taskId))?.finishedAt).not.toBeNull(), {
      timeout: 2_000,
    })
    const last = (await store.get(taskId))!.latest!.event
    expect(last).toMatchObject({
      status: 'error',
      error: { code: 'COMFY_UNREACHABLE', details: expect.stringContaining('backend gpu0') as unknown },
    })
    // The prompt's end, should the backend come back, changes nothing.
    a.end({ status: 'success', outputs: { '9': { images: [image] } }, message: null, source: 'history' })
    await tasks.close()
    expect((await store.eventsAfter(taskId, 0)).map((entry) => entry.event.status)).toEqual([
      'queued',
      'error',
    ])
  })

  it('reads stale queue lengths from GET /prompt to choose a backend', async () => {
    const [a, b] = [createClient(), createClient()]
    for (const [stub, remaining] of [
      [a, 5],
      [b, 1],
    ] as const) {
      Object.assign(stub.client, {
        queueRemaining: null,
        api: { view: vi.fn(), getQueueRemaining: vi.fn(() => Promise.resolve(remaining)) },
      })
    }
    const store = new MemoryTaskStore()
    const tasks = new TaskManager({
      backends: [
        { id: 'gpu0', client: a.client },
        { id: 'gpu1', client: b.client },
      ],
      store,
    })
    const { taskId } = await tasks.create({ workflow })
    expect((await store.get(taskId))?.metadata.backend).toBe('gpu1')
    b.release()
    await tasks.close()
  })
})
