import { describe, expect, it } from 'vitest'
import { expectCode } from '../../test/contracts/taskStore.contract.js'
import { completed, createFakeClock, inProgress, queued } from '../../test/helpers.js'
import { createTaskId } from '../tasks/createTaskId.js'
import { DEFAULT_TASK_TTL_MS, MemoryTaskStore, memoryTaskStoreDefaults } from './MemoryTaskStore.js'

// The behaviour every store shares is in test/contracts/taskStore.contract.ts; these are the memory
// store's own bounds.
describe('MemoryTaskStore', () => {
  it('defaults to a 5-minute time to live, with frozen defaults', () => {
    expect(DEFAULT_TASK_TTL_MS).toBe(300_000)
    expect(memoryTaskStoreDefaults.taskTtlMs).toBe(DEFAULT_TASK_TTL_MS)
    expect(Object.isFrozen(memoryTaskStoreDefaults)).toBe(true)
  })

  it('expires the oldest finished task early when too many are kept', async () => {
    const store = new MemoryTaskStore({ maxFinishedTasks: 2, now: createFakeClock().now })
    const ids = [createTaskId(), createTaskId(), createTaskId()]
    for (const taskId of ids) {
      await store.create({ taskId })
      await store.append(taskId, completed(taskId))
    }
    expect(await store.count()).toEqual({ live: 0, finished: 2 })
    expect(await store.isExpired(ids[0]!)).toBe(true)
    expect(await store.get(ids[1]!)).toBeDefined()
  })

  it('remembers expired ids for a while, then reads them as unknown', async () => {
    const clock = createFakeClock()
    const store = new MemoryTaskStore({ taskTtlMs: 1000, expiredMemoryMs: 5000, now: clock.now })
    const taskId = createTaskId()
    await store.create({ taskId })
    await store.append(taskId, completed(taskId))
    clock.advance(1000)
    await expectCode(store.eventsAfter(taskId, 0), 'TASK_EXPIRED')
    clock.advance(5000)
    expect(await store.isExpired(taskId)).toBe(false)
    await expectCode(store.eventsAfter(taskId, 0), 'TASK_NOT_FOUND')
  })

  it('caps remembered expired ids', async () => {
    const clock = createFakeClock()
    const store = new MemoryTaskStore({ taskTtlMs: 1, maxExpiredIds: 2, now: clock.now })
    const ids = [createTaskId(), createTaskId(), createTaskId()]
    for (const taskId of ids) {
      await store.create({ taskId })
      await store.append(taskId, completed(taskId))
      clock.advance(1)
    }
    expect(await Promise.all(ids.map((id) => store.isExpired(id)))).toEqual([false, true, true])
  })

  it('compacts superseded progress out of a long log, keeping status changes and the latest', async () => {
    const store = new MemoryTaskStore({ maxEventsPerTask: 10 })
    const taskId = createTaskId()
    await store.create({ taskId })
    await store.append(taskId, queued(taskId))
    for (let p = 1; p <= 25; p++) await store.append(taskId, inProgress(taskId, p))
    const log = await store.eventsAfter(taskId, 0)
    expect(log.length).toBeLessThanOrEqual(10)
    expect(log[0]).toMatchObject({ seq: 1, event: { status: 'queued' } })
    expect(log.at(-1)).toMatchObject({ seq: 26, event: { progress: { percentage: 25 } } })
  })
})
