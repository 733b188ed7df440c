/**
 * A cancel that reaches an instance which does not follow the task (several instances: A submitted
 * the prompt, the load balancer sent the cancel to B), racing ComfyUI: the prompt leaves the pending
 * queue and runs between B's read of the queue and its delete (a no-op then), and has finished by the
 * time B reads the queue again. Real simulator and ComfyClients; A's frames are delayed (the
 * simulator's fault injection) so that its run has not written the outcome yet, and the race window
 * is opened by resuming the simulator from inside B's delete request.
 */
import { ComfyClient, isComfyProgressError } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryEventBus } from '../../src/store/MemoryEventBus.js'
import { MemoryTaskStore } from '../../src/store/MemoryTaskStore.js'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import type { TaskHandoff, TaskOwnership } from '../../src/tasks/TaskOwnership.js'
import { loadWorkflow } from '../helpers.js'

/** Ownership as in a deployment where A keeps its task: claims succeed, nothing is handed over. */
class KeptOwnership implements TaskOwnership {
  claim(_taskId: string, _handoff: TaskHandoff): Promise<void> {
    return Promise.resolve()
  }
  release(): Promise<void> {
    return Promise.resolve()
  }
  start(): void {}
  close(): Promise<void> {
    return Promise.resolve()
  }
}

describe('a cancel on another instance racing the prompt out of the queue', () => {
  let sim: ComfyUiSim
  const closers: (() => Promise<unknown>)[] = []

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    await sim?.close()
  })

  async function instance(shared: { store: MemoryTaskStore; bus: MemoryEventBus }) {
    const client = new ComfyClient({ baseUrl: sim.url })
    await client.connect()
    const errors: unknown[] = []
    const tasks = new TaskManager({
      client,
      ...shared,
      ownership: new KeptOwnership(),
      onError: (error) => errors.push(error),
    })
    closers.push(
      () => client.close(),
      () => tasks.close(),
    )
    return { client, tasks, errors }
  }

  it('is refused with TASK_FINISHED when ComfyUI ran the prompt, and the task ends with what ComfyUI did', async () => {
    sim = await createComfyUiSim({ speed: 200 })
    const shared = { store: new MemoryTaskStore(), bus: new MemoryEventBus() }
    const a = await instance(shared)
    const b = await instance(shared)
    sim.pause()
    const { taskId } = await a.tasks.create({ workflow: loadWorkflow('txt2img-basic.json') })
    const promptOf = async () => (await shared.store.get(taskId))?.metadata.promptId
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${sim.url}/queue`)).json()) as { queue_pending: unknown[] }).queue_pending
            .length,
      )
      .toBe(1)
    const promptId = (await promptOf())!
    // The prompt fails on its first sampler step; A hears of it late.
    sim.faults.failNode({ classType: 'KSampler' })
    sim.faults.delayFrames({ clientId: a.client.clientId, delayMs: 1_500 })
    const deletePending = b.client.api.deletePending.bind(b.client.api)
    b.client.api.deletePending = async (ids, options) => {
      // ComfyUI takes the prompt up and finishes it before the delete arrives.
      sim.resume()
      await sim.whenFinished(promptId)
      return deletePending(ids, options)
    }

    const answer = await b.tasks.cancel(taskId).then(
      (action) => action,
      (error: unknown) => (isComfyProgressError(error) ? error.code : error),
    )
    expect(answer).toBe('TASK_FINISHED')
    await expect
      .poll(async () => (await shared.store.get(taskId))?.finishedAt ?? null, { timeout: 10_000 })
      .not.toBeNull()
    const record = await shared.store.get(taskId)
    expect(record?.latest?.event.status).toBe('error')
    const statuses = (await shared.store.eventsAfter(taskId, 0)).map((e) => e.event.status)
    expect(statuses.filter((s) => s === 'cancelled')).toEqual([])
    expect([...a.errors, ...b.errors]).toEqual([])
  })
})
