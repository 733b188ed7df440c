/* eslint-disable @typescript-eslint/require-await -- the TaskStore interface is asynchronous (a shared store needs it), and `async` turns every throw into a rejection. */
import { ComfyProgressError, type TaskEvent } from '@comfy-progress/core'
import { withDefaults } from '../internal/withDefaults.js'
import { isTaskId } from '../tasks/createTaskId.js'
import { isTerminalEvent } from '../tasks/isTerminalEvent.js'
import type {
  NewTask,
  StoredTaskEvent,
  TaskMetadata,
  TaskPreviewImage,
  TaskRecord,
  TaskStore,
} from './TaskStore.js'

/** How long a finished task is kept, in ms: 5 minutes, as the design document says. */
export const DEFAULT_TASK_TTL_MS = 5 * 60_000

/** The defaults of {@link MemoryTaskStoreOptions}. */
export const memoryTaskStoreDefaults = Object.freeze({
  taskTtlMs: DEFAULT_TASK_TTL_MS,
  maxLiveTasks: 1000,
  maxFinishedTasks: 10_000,
  maxEventsPerTask: 1000,
  expiredMemoryMs: 60 * 60_000,
  maxExpiredIds: 10_000,
})

/** Options of {@link MemoryTaskStore}. */
export interface MemoryTaskStoreOptions {
  /**
   * How long a finished task (and its log) is kept after its terminal event, in ms.
   * @default 300000 (DEFAULT_TASK_TTL_MS)
   */
  readonly taskTtlMs?: number
  /**
   * Cap on live (unfinished) tasks; `create` beyond it rejects with `TOO_MANY_TASKS`.
   * @default 1000
   */
  readonly maxLiveTasks?: number
  /**
   * Cap on finished tasks kept before their time to live; beyond it the oldest expires early.
   * @default 10000
   */
  readonly maxFinishedTasks?: number
  /**
   * Log length at which superseded `in-progress` events are compacted away.
   * @default 1000
   */
  readonly maxEventsPerTask?: number
  /**
   * How long an expired id is remembered, so that lookups answer `TASK_EXPIRED`, in ms.
   * @default 3600000
   */
  readonly expiredMemoryMs?: number
  /**
   * Cap on remembered expired ids; beyond it the oldest is forgotten (and then reads as unknown).
   * @default 10000
   */
  readonly maxExpiredIds?: number
  /**
   * The clock, in ms since the epoch. Inject a fake one in tests; expiry never needs a timer.
   * @default Date.now
   */
  readonly now?: () => number
}

interface Entry {
  readonly taskId: string
  metadata: TaskMetadata
  readonly createdAt: number
  latest: StoredTaskEvent | null
  finishedAt: number | null
  expiresAt: number | null
  nextSeq: number
  log: StoredTaskEvent[]
  preview: TaskPreviewImage | undefined
  previews: number
}

/**
 * The default {@link TaskStore}: tasks and their logs in this process's memory. Memory stays bounded:
 * live tasks are capped, finished tasks expire after `taskTtlMs` (checked on every call against the
 * injected clock, in finish order, so no timer runs), logs are compacted, and expired ids are
 * remembered only for a while. For several server instances use a shared store (Redis) instead.
 *
 * @example
 * ```ts
 * const store = new MemoryTaskStore({ taskTtlMs: 60_000 })
 * await store.create({ taskId: createTaskId(), metadata: { prompt: 'a cat' } })
 * ```
 */
export class MemoryTaskStore implements TaskStore {
  readonly #options: Required<MemoryTaskStoreOptions>
  readonly #tasks = new Map<string, Entry>()
  /** Finished task ids in finish order, i.e. in expiry order. */
  readonly #finished = new Map<string, number>()
  /** Expired task ids in expiry order, with when they expired. */
  readonly #expired = new Map<string, number>()
  #live = 0

  constructor(options: MemoryTaskStoreOptions = {}) {
    this.#options = withDefaults({ ...memoryTaskStoreDefaults, now: Date.now }, options)
  }

  async create(task: NewTask): Promise<TaskRecord> {
    const now = this.#sweep()
    if (!isTaskId(task.taskId)) {
      throw new ComfyProgressError('INVALID_TASK_IDS', undefined, { details: { taskId: task.taskId } })
    }
    if (this.#tasks.has(task.taskId) || this.#expired.has(task.taskId)) {
      throw new ComfyProgressError('TASK_ID_CONFLICT', undefined, { details: { taskId: task.taskId } })
    }
    if (this.#live >= this.#options.maxLiveTasks) {
      throw new ComfyProgressError('TOO_MANY_TASKS', undefined, {
        details: { limit: this.#options.maxLiveTasks },
      })
    }
    const entry: Entry = {
      taskId: task.taskId,
      metadata: Object.freeze({ ...task.metadata }),
      createdAt: now,
      latest: null,
      finishedAt: null,
      expiresAt: null,
      nextSeq: 1,
      log: [],
      preview: undefined,
      previews: 0,
    }
    this.#tasks.set(task.taskId, entry)
    this.#live++
    return snapshot(entry)
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    this.#sweep()
    const entry = this.#tasks.get(taskId)
    return entry && snapshot(entry)
  }

  async isExpired(taskId: string): Promise<boolean> {
    this.#sweep()
    return this.#expired.has(taskId)
  }

  async updateMetadata(taskId: string, patch: TaskMetadata): Promise<TaskRecord> {
    const entry = this.#require(taskId)
    entry.metadata = Object.freeze({ ...entry.metadata, ...patch })
    return snapshot(entry)
  }

  async append(taskId: string, event: TaskEvent): Promise<StoredTaskEvent> {
    const entry = this.#require(taskId)
    if (entry.finishedAt !== null) {
      throw new ComfyProgressError('TASK_FINISHED', undefined, { details: { taskId } })
    }
    if (typeof event !== 'object' || event === null || event.taskId !== taskId) {
      throw new ComfyProgressError('TASK_EVENT_INVALID', 'comfy-progress: the event names another task.', {
        details: { taskId },
      })
    }
    const stored: StoredTaskEvent = Object.freeze({ taskId, seq: entry.nextSeq++, event })
    if (entry.log.length >= this.#options.maxEventsPerTask) entry.log = compact(entry.log)
    entry.log.push(stored)
    entry.latest = stored
    if (isTerminalEvent(event)) {
      const now = this.#options.now()
      entry.finishedAt = now
      entry.expiresAt = now + this.#options.taskTtlMs
      entry.preview = undefined
      this.#live--
      this.#finished.set(taskId, entry.expiresAt)
      this.#sweep()
    }
    return stored
  }

  async eventsAfter(taskId: string, afterSeq: number): Promise<readonly StoredTaskEvent[]> {
    const entry = this.#require(taskId)
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
      throw new ComfyProgressError('INVALID_LAST_EVENT_ID', undefined, { details: { cursor: afterSeq } })
    }
    const log = entry.log
    // The log is sorted by seq: binary search for the first entry after `afterSeq`.
    let low = 0
    let high = log.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (log[mid]!.seq <= afterSeq) low = mid + 1
      else high = mid
    }
    return log.slice(low)
  }

  async putPreview(
    taskId: string,
    image: { readonly bytes: Uint8Array; readonly mimeType: string },
  ): Promise<number> {
    const entry = this.#require(taskId)
    if (entry.finishedAt !== null) return entry.previews
    entry.previews++
    entry.preview = Object.freeze({ bytes: image.bytes, mimeType: image.mimeType, version: entry.previews })
    return entry.previews
  }

  async getPreview(taskId: string): Promise<TaskPreviewImage | undefined> {
    this.#sweep()
    return this.#tasks.get(taskId)?.preview
  }

  async count(): Promise<{ readonly live: number; readonly finished: number }> {
    this.#sweep()
    return { live: this.#live, finished: this.#finished.size }
  }

  #require(taskId: string): Entry {
    this.#sweep()
    const entry = this.#tasks.get(taskId)
    if (entry !== undefined) return entry
    const code = this.#expired.has(taskId) ? 'TASK_EXPIRED' : 'TASK_NOT_FOUND'
    throw new ComfyProgressError(code, undefined, { details: { taskId } })
  }

  /** Forgets what is due, oldest first; amortised O(1) because both maps are in expiry order. */
  #sweep(): number {
    const now = this.#options.now()
    for (const [taskId, expiresAt] of this.#finished) {
      if (expiresAt > now && this.#finished.size <= this.#options.maxFinishedTasks) break
      this.#finished.delete(taskId)
      this.#tasks.delete(taskId)
      this.#expired.set(taskId, now)
    }
    for (const [taskId, expiredAt] of this.#expired) {
      const due = expiredAt + this.#options.expiredMemoryMs <= now
      if (!due && this.#expired.size <= this.#options.maxExpiredIds) break
      this.#expired.delete(taskId)
    }
    return now
  }
}

function snapshot(entry: Entry): TaskRecord {
  return Object.freeze({
    taskId: entry.taskId,
    metadata: entry.metadata,
    createdAt: entry.createdAt,
    latest: entry.latest,
    finishedAt: entry.finishedAt,
    expiresAt: entry.expiresAt,
  })
}

/**
 * Drops every event that is followed by one of the same non-terminal status (superseded progress);
 * if that is not enough to halve the log, drops the oldest entries too. Status changes and the latest
 * event stay, so a resumed client still sees every transition.
 */
function compact(log: readonly StoredTaskEvent[]): StoredTaskEvent[] {
  const kept = log.filter((entry, i) => {
    const next = log[i + 1]
    return next === undefined || next.event.status !== entry.event.status
  })
  return kept.length > log.length / 2 ? kept.slice(kept.length - Math.floor(log.length / 2)) : kept
}
