/**
 * The one contract suite every TaskStore runs (memory now, Redis next). Call it from a test file with
 * a factory that builds a fresh, empty store with the given limits.
 */
import { isComfyProgressError, type ComfyProgressErrorCode } from '@comfy-progress/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { TaskStore } from '../../src/store/TaskStore.js'
import { createTaskId } from '../../src/tasks/createTaskId.js'
import { cancelled, completed, failed, inProgress, queued } from '../helpers.js'

/** What the suite asks of a store under test. */
export interface TaskStoreContractOptions {
  readonly taskTtlMs: number
  readonly maxLiveTasks: number
}

/** A store under test, with a way to move its clock forward and to dispose of it. */
export interface TaskStoreContractSubject {
  readonly store: TaskStore
  /** Moves the store's clock forward (a fake clock, or a real wait for stores that cannot fake it). */
  advance(ms: number): Promise<void>
  close?(): Promise<void>
}

/** Asserts that `promise` rejects with a ComfyProgressError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: ComfyProgressErrorCode): Promise<void> {
  const error = await promise.then(
    () => new Error(`expected a rejection with ${code}, got a fulfilment`),
    (reason: unknown) => reason,
  )
  expect(isComfyProgressError(error) ? error.code : error).toBe(code)
}

export function taskStoreContract(
  name: string,
  factory: (options: TaskStoreContractOptions) => Promise<TaskStoreContractSubject>,
): void {
  const TTL = 60_000
  const MAX_LIVE = 5

  describe(`TaskStore contract: ${name}`, () => {
    let subject: TaskStoreContractSubject
    let store: TaskStore
    const open = async () => {
      subject = await factory({ taskTtlMs: TTL, maxLiveTasks: MAX_LIVE })
      store = subject.store
    }
    afterEach(async () => {
      await subject?.close?.()
    })

    it('creates a task with its metadata and no events', async () => {
      await open()
      const taskId = createTaskId()
      const created = await store.create({
        taskId,
        metadata: { prompt: 'a cat', workflow: 'txt2img', app: { uid: 7 } },
      })
      expect(created).toMatchObject({ taskId, latest: null, finishedAt: null, expiresAt: null })
      expect(typeof created.createdAt).toBe('number')
      expect(await store.get(taskId)).toEqual(created)
      expect(await store.eventsAfter(taskId, 0)).toEqual([])
    })

    it('rejects a malformed id and an id that is taken', async () => {
      await open()
      const taskId = createTaskId()
      await store.create({ taskId })
      await expectCode(store.create({ taskId }), 'TASK_ID_CONFLICT')
      await expectCode(store.create({ taskId: 'not a task id' }), 'INVALID_TASK_IDS')
    })

    it('numbers events 1, 2, 3… and makes each the latest state', async () => {
      await open()
      const taskId = createTaskId()
      await store.create({ taskId })
      const events = [queued(taskId), inProgress(taskId, 10), inProgress(taskId, 50), completed(taskId)]
      const seqs: number[] = []
      for (const event of events) {
        const stored = await store.append(taskId, event)
        expect(stored).toMatchObject({ taskId, event })
        seqs.push(stored.seq)
        expect((await store.get(taskId))?.latest).toEqual(stored)
      }
      expect(seqs).toEqual([1, 2, 3, 4])
    })

    it('answers eventsAfter with exactly the events after the cursor, oldest first', async () => {
      await open()
      const taskId = createTaskId()
      await store.create({ taskId })
      for (let p = 0; p < 10; p++) await store.append(taskId, inProgress(taskId, p))
      const all = await store.eventsAfter(taskId, 0)
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect((await store.eventsAfter(taskId, 6)).map((e) => e.seq)).toEqual([7, 8, 9, 10])
      expect(await store.eventsAfter(taskId, 10)).toEqual([])
      expect(await store.eventsAfter(taskId, 99)).toEqual([])
      for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectCode(store.eventsAfter(taskId, bad), 'INVALID_LAST_EVENT_ID')
      }
    })

    it('keeps every status change and the latest event in the log, in order', async () => {
      await open()
      const taskId = createTaskId()
      await store.create({ taskId })
      await store.append(taskId, queued(taskId))
      for (let i = 0; i < 3000; i++) await store.append(taskId, inProgress(taskId, Math.floor(i / 30)))
      await store.append(taskId, completed(taskId))
      const log = await store.eventsAfter(taskId, 0)
      const seqs = log.map((e) => e.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(new Set(seqs).size).toBe(seqs.length)
      expect(log[0]).toMatchObject({ seq: 1, event: { status: 'queued' } })
      expect(log.at(-1)).toMatchObject({ seq: 3002, event: { status: 'completed' } })
      expect(log.some((e) => e.event.status === 'in-progress')).toBe(true)
    })

    it('rejects events for unknown tasks and events that name another task', async () => {
      await open()
      const taskId = createTaskId()
      const unknown = createTaskId()
      await store.create({ taskId })
      expect(await store.get(unknown)).toBeUndefined()
      expect(await store.isExpired(unknown)).toBe(false)
      await expectCode(store.append(unknown, queued(unknown)), 'TASK_NOT_FOUND')
      await expectCode(store.eventsAfter(unknown, 0), 'TASK_NOT_FOUND')
      await expectCode(store.updateMetadata(unknown, { promptId: 'p' }), 'TASK_NOT_FOUND')
      await expectCode(store.append(taskId, queued(unknown)), 'TASK_EVENT_INVALID')
      expect(await store.eventsAfter(taskId, 0)).toEqual([])
    })

    it('merges metadata updates', async () => {
      await open()
      const taskId = createTaskId()
      await store.create({ taskId, metadata: { prompt: 'a cat', clientId: 'c1' } })
      const updated = await store.updateMetadata(taskId, { promptId: 'p1' })
      expect(updated.metadata).toEqual({ prompt: 'a cat', clientId: 'c1', promptId: 'p1' })
      expect((await store.get(taskId))?.metadata).toEqual(updated.metadata)
    })

    for (const [status, terminal] of [
      ['completed', completed],
      ['error', failed],
      ['cancelled', cancelled],
    ] as const) {
      it(`accepts nothing after a terminal event (${status})`, async () => {
        await open()
        const taskId = createTaskId()
        await store.create({ taskId })
        await store.append(taskId, inProgress(taskId, 30))
        await store.append(taskId, terminal(taskId))
        const record = await store.get(taskId)
        expect(record?.finishedAt).toEqual(expect.any(Number))
        expect(record?.expiresAt).toBe(record!.finishedAt! + TTL)
        await expectCode(store.append(taskId, inProgress(taskId, 40)), 'TASK_FINISHED')
        expect((await store.get(taskId))?.latest?.seq).toBe(2)
      })
    }

    it('expires a finished task after its time to live, and tells it from an unknown one', async () => {
      await open()
      const finished = createTaskId()
      const live = createTaskId()
      await store.create({ taskId: finished })
      await store.create({ taskId: live })
      await store.append(finished, completed(finished))
      await store.append(live, inProgress(live, 5))
      await subject.advance(TTL - 1_000)
      expect(await store.get(finished)).toBeDefined()
      await subject.advance(1_001)
      expect(await store.get(finished)).toBeUndefined()
      expect(await store.isExpired(finished)).toBe(true)
      await expectCode(store.eventsAfter(finished, 0), 'TASK_EXPIRED')
      await expectCode(store.append(finished, completed(finished)), 'TASK_EXPIRED')
      await expectCode(store.create({ taskId: finished }), 'TASK_ID_CONFLICT')
      // Live tasks never expire, however long they run.
      await subject.advance(TTL * 10)
      expect((await store.get(live))?.latest?.seq).toBe(1)
    })

    it('keeps the latest preview of a live task, with a growing version, and drops it at the end', async () => {
      await open()
      const taskId = createTaskId()
      await store.create({ taskId })
      expect(await store.getPreview(taskId)).toBeUndefined()
      expect(await store.putPreview(taskId, { bytes: new Uint8Array([1]), mimeType: 'image/jpeg' })).toBe(1)
      expect(await store.putPreview(taskId, { bytes: new Uint8Array([2, 2]), mimeType: 'image/png' })).toBe(2)
      const preview = await store.getPreview(taskId)
      expect(preview).toMatchObject({ mimeType: 'image/png', version: 2 })
      expect([...preview!.bytes]).toEqual([2, 2])
      await store.append(taskId, completed(taskId))
      expect(await store.getPreview(taskId)).toBeUndefined()
      expect(await store.getPreview(createTaskId())).toBeUndefined()
      await expectCode(
        store.putPreview(createTaskId(), { bytes: new Uint8Array(), mimeType: 'image/png' }),
        'TASK_NOT_FOUND',
      )
    })

    it('caps live tasks; finishing one frees a slot', async () => {
      await open()
      const ids = Array.from({ length: MAX_LIVE }, () => createTaskId())
      for (const taskId of ids) await store.create({ taskId })
      await expectCode(store.create({ taskId: createTaskId() }), 'TOO_MANY_TASKS')
      expect(await store.count()).toEqual({ live: MAX_LIVE, finished: 0 })
      await store.append(ids[0]!, failed(ids[0]!))
      expect(await store.count()).toEqual({ live: MAX_LIVE - 1, finished: 1 })
      await store.create({ taskId: createTaskId() })
      await expectCode(store.create({ taskId: createTaskId() }), 'TOO_MANY_TASKS')
    })

    it('keeps concurrent appends of many tasks apart, each in its own order', async () => {
      await open()
      const ids = Array.from({ length: MAX_LIVE }, () => createTaskId())
      await Promise.all(ids.map((taskId) => store.create({ taskId })))
      const rounds = 40
      const results = await Promise.all(
        Array.from({ length: rounds }, (_, round) =>
          Promise.all(ids.map((taskId) => store.append(taskId, inProgress(taskId, round)))),
        ).flat(),
      )
      expect(results).toHaveLength(rounds)
      for (const taskId of ids) {
        const log = await store.eventsAfter(taskId, 0)
        expect(log.every((e) => e.taskId === taskId && e.event.taskId === taskId)).toBe(true)
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1))
        expect(log.map((e) => e.event.progress.percentage)).toEqual(
          Array.from({ length: rounds }, (_, i) => i),
        )
      }
    })
  })
}
