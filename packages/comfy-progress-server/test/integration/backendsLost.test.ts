/**
 * Backends that go away, and backends whose queue the WebSocket does not tell: two real simulators,
 * a real ComfyClient each, one TaskManager with both as `backends`. A backend closed for good has
 * its running task ended with `COMFY_UNREACHABLE` after `backendLostTimeoutMs` while new tasks go to
 * the other; one that comes back in time has its task reconciled; a queue length no status frame
 * reported is read from ComfyUI's `GET /prompt`.
 */
import { ComfyClient, type TaskEvent } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, describe, expect, it } from 'vitest'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import type { TaskManagerOptions } from '../../src/tasks/TaskManagerOptions.js'
import { loadWorkflow } from '../helpers.js'

const workflow = loadWorkflow('txt2img-basic.json')

describe('ComfyUI backends lost, back, or quiet', { timeout: 40_000 }, () => {
  let sims: ComfyUiSim[] = []
  let clients: ComfyClient[] = []
  let tasks: TaskManager | undefined
  let backgroundErrors: unknown[] = []

  async function start(stepMs: number, options: Partial<TaskManagerOptions> = {}) {
    sims = await Promise.all([0, 1].map(() => createComfyUiSim({ timing: { stepMs } })))
    clients = sims.map((sim) => new ComfyClient({ baseUrl: sim.url }))
    await Promise.all(clients.map((client) => client.connect()))
    // Both status frames are in: each client knows its (empty) queue.
    await expect.poll(() => clients.map((client) => client.queueRemaining)).toEqual([0, 0])
    backgroundErrors = []
    tasks = new TaskManager({
      backends: [
        { id: 'gpu0', client: clients[0]! },
        { id: 'gpu1', client: clients[1]! },
      ],
      onError: (error) => backgroundErrors.push(error),
      ...options,
    })
    return tasks
  }

  afterEach(async () => {
    await tasks?.close()
    tasks = undefined
    await Promise.all(clients.map((client) => client.close()))
    await Promise.all(sims.map((sim) => sim.close()))
    expect(backgroundErrors).toEqual([])
  })

  const backendOf = async (taskId: string) => (await tasks!.get(taskId)).metadata.backend
  const ended = async (taskId: string): Promise<TaskEvent> => {
    await expect.poll(async () => (await tasks!.get(taskId)).finishedAt, { timeout: 25_000 }).not.toBeNull()
    return (await tasks!.get(taskId)).latest!.event
  }
  const running = (taskId: string) =>
    expect
      .poll(async () => (await tasks!.get(taskId)).latest?.event.progress.percentage ?? 0, {
        timeout: 15_000,
      })
      .toBeGreaterThan(5)

  it('ends the task of a backend closed for good with COMFY_UNREACHABLE after the timeout; new tasks go to the other', async () => {
    await start(150, { backendLostTimeoutMs: 1_500 })
    const stranded = await tasks!.create({ workflow })
    expect(await backendOf(stranded.taskId)).toBe('gpu0')
    await running(stranded.taskId)

    await sims[0]!.close()
    await expect.poll(() => clients[0]!.state).not.toBe('connected')
    sims[1]!.setSpeed(20)
    const moved = await tasks!.create({ workflow })
    expect(await backendOf(moved.taskId)).toBe('gpu1')
    expect((await ended(moved.taskId)).status).toBe('completed')

    const event = await ended(stranded.taskId)
    expect(event).toMatchObject({
      status: 'error',
      error: { code: 'COMFY_UNREACHABLE', details: expect.stringContaining('backend gpu0') as unknown },
    })
    // Exactly one terminal event, after the progress it had made.
    const statuses = (await tasks!.store.eventsAfter(stranded.taskId, 0)).map((entry) => entry.event.status)
    expect(statuses.filter((status) => status !== 'queued' && status !== 'in-progress')).toEqual(['error'])
    expect(statuses).toContain('in-progress')
    const health = await tasks!.health()
    // gpu0 still retries (degraded, then down once its breaker opens); it follows no task any more.
    expect(health.backends.map((b) => [b.id, b.status === 'ok', b.inFlight])).toEqual([
      ['gpu0', false, 0],
      ['gpu1', true, 0],
    ])
  })

  it('interrupts on a backend that comes back the prompt of a task it gave up (no image made for nobody)', async () => {
    // 20 steps of 600 ms: the prompt would run for 12 s; gpu0 is unreachable from step 2 for 2 s.
    await start(600, { backendLostTimeoutMs: 600 })
    sims[0]!.faults.dropSocketAt({ step: 2 }).refuseConnections({ durationMs: 2_000 })
    const { taskId } = await tasks!.create({ workflow })
    expect(await backendOf(taskId)).toBe('gpu0')
    expect(await ended(taskId)).toMatchObject({ status: 'error', error: { code: 'COMFY_UNREACHABLE' } })
    const { promptId } = (await tasks!.get(taskId)).metadata
    if (promptId === undefined) throw new Error('the task has no prompt id')
    const entry = await sims[0]!.whenFinished(promptId)
    // Interrupted by the TaskManager once gpu0 was back, not run to its end.
    expect(entry.status.messages.map(([type]) => type)).toContain('execution_interrupted')
    expect(clients[0]!.state).toBe('connected')
  })

  it('reconciles the task of a backend that comes back within the timeout, and it completes', async () => {
    await start(100, { backendLostTimeoutMs: 20_000 })
    const states: string[] = []
    clients[0]!.on('state', ({ state }) => states.push(state))
    // gpu0's socket dies at sampler step 3 and reconnects are refused for a while; the prompt runs on.
    sims[0]!.faults.dropSocketAt({ step: 3 }).refuseConnections({ durationMs: 1_000 })
    const { taskId } = await tasks!.create({ workflow })
    expect(await backendOf(taskId)).toBe('gpu0')
    const event = await ended(taskId)
    expect(event.status).toBe('completed')
    expect(states).toContain('reconnecting')
    expect(clients[0]!.state).toBe('connected')
  })

  it('reads a queue length no status frame reported from GET /prompt, and sends the task to the shorter queue', async () => {
    await start(20, { queueLengthMaxAgeMs: 0, queueLengthTimeoutMs: 2_000 })
    // gpu0's frames are held back from now on; its queue fills with another client's prompts.
    sims[0]!.faults.delayFrames({ delayMs: 30_000 })
    sims[0]!.pause()
    for (let i = 0; i < 2; i++) {
      const answer = await fetch(`${sims[0]!.url}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: workflow, client_id: 'someone-else' }),
      })
      expect(answer.status).toBe(200)
    }
    // The WebSocket still says gpu0's queue is empty (a tie, which gpu0 would win as listed first).
    expect(clients[0]!.queueRemaining).toBe(0)
    const { taskId } = await tasks!.create({ workflow })
    expect(await backendOf(taskId)).toBe('gpu1')
    expect((await ended(taskId)).status).toBe('completed')
    sims[0]!.faults.clear()
  })
})
