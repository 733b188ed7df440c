/**
 * Several ComfyUI backends, everything real: two simulators, a ComfyClient each, one TaskManager with
 * both as `backends`, and the node adapter on an ephemeral port for the image and health routes.
 */
import { ComfyClient, type TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../../src/adapters/node/index.js'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import { listenHttp1, loadWorkflow, type TestServer } from '../helpers.js'

const workflow = loadWorkflow('txt2img-basic.json')

describe('a TaskManager with several ComfyUI backends', () => {
  let sims: ComfyUiSim[] = []
  let clients: ComfyClient[] = []
  let tasks: TaskManager
  let server: TestServer
  let backgroundErrors: unknown[]

  async function start() {
    sims = [await createComfyUiSim({ speed: 100 }), await createComfyUiSim({ speed: 100 })]
    clients = sims.map((sim) => new ComfyClient({ baseUrl: sim.url }))
    await Promise.all(clients.map((client) => client.connect()))
    backgroundErrors = []
    tasks = new TaskManager({
      backends: [
        { id: 'gpu0', client: clients[0]! },
        { id: 'gpu1', client: clients[1]! },
      ],
      basePath: '/api',
      onError: (error) => backgroundErrors.push(error),
    })
    server = await listenHttp1(createHandler({ tasks }))
  }

  afterEach(async () => {
    await tasks?.close()
    await Promise.all(clients.map((client) => client.close()))
    await Promise.all(sims.map((sim) => sim.close()))
    await server?.close()
    expect(backgroundErrors).toEqual([])
  })

  const backendOf = async (taskId: string) => (await tasks.get(taskId)).metadata.backend
  const ended = async (taskId: string): Promise<TaskEvent> => {
    await expect.poll(async () => (await tasks.get(taskId)).finishedAt, { timeout: 20_000 }).not.toBeNull()
    return (await tasks.get(taskId)).latest!.event
  }

  it('sends a new task to the backend with the shorter queue, keeps it there, and serves its image from it', async () => {
    await start()
    sims[0]!.pause()
    const first = await tasks.create({ workflow, workflowName: 'txt2img' })
    expect(await backendOf(first.taskId)).toBe('gpu0')
    // gpu0 has the first task queued (its status frame, and this instance's count in flight).
    const second = await tasks.create({ workflow, workflowName: 'txt2img' })
    expect(await backendOf(second.taskId)).toBe('gpu1')
    const health = await (await fetch(`${server.baseUrl}/api/health`)).json()
    expect(health).toMatchObject({
      status: 'ok',
      backends: [
        { id: 'gpu0', status: 'ok', state: 'connected', breaker: 'closed', inFlight: 1 },
        { id: 'gpu1', status: 'ok', state: 'connected', breaker: 'closed' },
      ],
    })
    sims[0]!.resume()

    for (const [{ taskId }, backend] of [
      [first, 'gpu0'],
      [second, 'gpu1'],
    ] as const) {
      const event = await ended(taskId)
      if (event.status !== 'completed') throw new Error(`expected completed, got ${event.status}`)
      const imageUrl = event.result.imageUrl
      expect(new URL(imageUrl, server.baseUrl).searchParams.get('backend')).toBe(backend)
      const image = await fetch(new URL(imageUrl, server.baseUrl))
      expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png'])
      await image.arrayBuffer()
    }
    // The files exist on one backend only: a URL edited to name the other one is refused.
    const event = (await tasks.get(first.taskId)).latest!.event as Extract<TaskEvent, { status: 'completed' }>
    const forged = new URL(event.result.imageUrl, server.baseUrl)
    forged.searchParams.set('backend', 'gpu1')
    const refused = await fetch(forged)
    expect(refused.status).toBe(404)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('IMAGE_NOT_FOUND')
  })

  it('sends new tasks to the other backend while one is down, and ends the task ComfyUI lost with COMFY_PROMPT_LOST', async () => {
    await start()
    sims[0]!.pause()
    const lost = await tasks.create({ workflow })
    expect(await backendOf(lost.taskId)).toBe('gpu0')
    await expect.poll(() => clients[0]!.queueRemaining).toBe(1)

    // gpu0 goes away (its queue with it) and comes back after a while.
    const restarted = sims[0]!.restart({ downtimeMs: 1500 })
    await expect.poll(() => clients[0]!.state).not.toBe('connected')
    const moved = await tasks.create({ workflow })
    expect(await backendOf(moved.taskId)).toBe('gpu1')
    const health = await tasks.health()
    expect(health.backends.map((b) => [b.id, b.status === 'ok'])).toEqual([
      ['gpu0', false],
      ['gpu1', true],
    ])
    expect(health.status).toBe('ok')
    expect((await ended(moved.taskId)).status).toBe('completed')

    await restarted
    const event = await ended(lost.taskId)
    expect([event.status, 'error' in event ? event.error.code : undefined]).toEqual([
      'error',
      'COMFY_PROMPT_LOST',
    ])
  })

  it('refuses a new task with 503 COMFY_NO_BACKEND while no backend is up, and creates none', async () => {
    await start()
    await Promise.all(clients.map((client) => client.close()))
    const answer = await fetch(`${server.baseUrl}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow }),
    })
    expect(answer.status).toBe(503)
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('COMFY_NO_BACKEND')
    expect(await tasks.store.count()).toEqual({ live: 0, finished: 0 })
    expect((await tasks.health()).status).toBe('down')
  })
})
