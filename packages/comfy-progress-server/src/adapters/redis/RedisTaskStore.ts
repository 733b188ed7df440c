import { randomBytes } from 'node:crypto'
import { ComfyProgressError, type ComfyProgressErrorCode, type TaskEvent } from '@comfy-progress/core'
import type { Redis } from 'ioredis'
import { withDefaults } from '../../internal/withDefaults.js'
import { DEFAULT_TASK_TTL_MS } from '../../store/MemoryTaskStore.js'
import type {
  NewTask,
  StoredTaskEvent,
  TaskMetadata,
  TaskPreviewImage,
  TaskRecord,
  TaskStore,
} from '../../store/TaskStore.js'
import { isTaskId } from '../../tasks/createTaskId.js'
import { isTerminalEvent } from '../../tasks/isTerminalEvent.js'
import { callRedis } from './callRedis.js'
import { checkRedisOptions } from './checkRedisOptions.js'
import { DEFAULT_REDIS_KEY_PREFIX, type RedisKeys, redisKeys } from './redisKeys.js'
import { requireRedisClient } from './requireRedisClient.js'
import { type RedisScript, type RedisScriptCall, runRedisScript } from './runRedisScript.js'
import { decodeLogEntries, decodeTaskRecord, encodeMetadata, storedEvent } from './taskRecordCodec.js'
import {
  appendScript,
  countScript,
  createScript,
  eventsAfterScript,
  putPreviewScript,
  updateMetadataScript,
} from './taskStoreScripts.js'

/** The defaults of {@link RedisTaskStoreOptions}; the shared limits are those of the memory store. */
export const redisTaskStoreDefaults = Object.freeze({
  keyPrefix: DEFAULT_REDIS_KEY_PREFIX,
  taskTtlMs: DEFAULT_TASK_TTL_MS,
  maxLiveTasks: 1000,
  maxEventsPerTask: 1000,
  expiredMemoryMs: 60 * 60_000,
  liveTaskTtlMs: 24 * 60 * 60_000,
})

/** Options of {@link RedisTaskStore}. Only `redis` is required. */
export interface RedisTaskStoreOptions {
  /**
   * The ioredis client the store sends its commands on (the app creates it and closes it; the store
   * never does). One client may be shared by the store, the bus's publishes and the leases.
   */
  readonly redis: Redis
  /**
   * Prefix of every key; give each deployment (and each test) its own. No braces.
   * @default 'comfy-progress:'
   */
  readonly keyPrefix?: string
  /**
   * How long a finished task (and its log) is kept after its terminal event, in ms.
   * @default 300000 (DEFAULT_TASK_TTL_MS)
   */
  readonly taskTtlMs?: number
  /**
   * Cap on live (unfinished) tasks across all instances; `create` beyond it rejects with
   * `TOO_MANY_TASKS`.
   * @default 1000
   */
  readonly maxLiveTasks?: number
  /**
   * Approximate bound of a task's log stream (`XADD MAXLEN ~`); status changes are kept beyond it.
   * @default 1000
   */
  readonly maxEventsPerTask?: number
  /**
   * How long an expired id is remembered, so that lookups answer `TASK_EXPIRED`, in ms.
   * @default 3600000
   */
  readonly expiredMemoryMs?: number
  /**
   * How long a live task may go without a new event before Redis forgets it: a safety net for tasks
   * that no instance follows any more (leases normally hand them to a live instance first), in ms.
   * @default 86400000 (24 hours)
   */
  readonly liveTaskTtlMs?: number
  /**
   * The clock, in ms since the epoch, for `createdAt`, `finishedAt` and expiry decisions. Redis's own
   * key expiry (`PEXPIRE`) frees the memory on Redis's clock; this clock decides what reads see.
   * @default Date.now
   */
  readonly now?: () => number
}

type Settings = Required<Omit<RedisTaskStoreOptions, 'redis'>>

/**
 * A {@link TaskStore} in Redis, shared by every server instance that uses the same Redis and key
 * prefix, so a browser's stream, status and resume work on whichever instance it lands.
 *
 * Each task is a hash (metadata, latest event, sequence counter, expiry) and a stream (its event log,
 * entry id = sequence number, bounded with `XADD MAXLEN ~`); status changes are also kept in a small
 * second stream so a resumed client always sees every transition. Every write is one Lua script:
 * the sequence number (`HINCRBY`), the latest state, the log entry and the expiry change together or
 * not at all. Finished tasks get `PEXPIRE` on all their keys after `taskTtlMs`, like the memory store.
 * While Redis is unreachable every method rejects with `STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const redis = new Redis(process.env.REDIS_URL)
 * const store = new RedisTaskStore({ redis, keyPrefix: 'myapp:' })
 * const tasks = new TaskManager({ client, store, bus: new RedisEventBus({ redis, keyPrefix: 'myapp:' }) })
 * ```
 */
export class RedisTaskStore implements TaskStore {
  readonly #redis: Redis
  readonly #keys: RedisKeys
  readonly #settings: Settings

  constructor(options: RedisTaskStoreOptions) {
    this.#redis = requireRedisClient(
      (options as Partial<RedisTaskStoreOptions> | undefined)?.redis,
      'RedisTaskStore',
    )
    const { redis: _redis, ...rest } = options
    this.#settings = withDefaults({ ...redisTaskStoreDefaults, now: Date.now }, rest)
    checkRedisOptions(this.#settings, [
      'taskTtlMs',
      'maxLiveTasks',
      'maxEventsPerTask',
      'expiredMemoryMs',
      'liveTaskTtlMs',
    ])
    this.#keys = redisKeys(this.#settings.keyPrefix)
  }

  /** The key names this store uses (the bus and the leases use the same prefix). */
  get keys(): RedisKeys {
    return this.#keys
  }

  async create(task: NewTask): Promise<TaskRecord> {
    const taskId = task.taskId
    if (!isTaskId(taskId)) {
      throw new ComfyProgressError('INVALID_TASK_IDS', undefined, { details: { taskId } })
    }
    const now = this.#settings.now()
    const k = this.#keys
    const metadata = encodeMetadata(task.metadata)
    await this.#run(createScript, {
      taskId,
      keys: [k.task(taskId), k.gone(taskId), k.live, k.finished],
      args: [
        String(now),
        String(this.#settings.expiredMemoryMs),
        taskId,
        String(this.#settings.maxLiveTasks),
        String(now + this.#settings.liveTaskTtlMs),
        String(this.#settings.liveTaskTtlMs),
        ...metadata,
      ],
    })
    return Object.freeze({
      taskId,
      metadata: Object.freeze({ ...task.metadata }),
      createdAt: now,
      latest: null,
      finishedAt: null,
      expiresAt: null,
    })
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    if (!isTaskId(taskId)) return undefined
    const key = this.#keys.task(taskId)
    const hash = await callRedis(this.#redis, () => this.#redis.hgetall(key))
    if (Object.keys(hash).length === 0) return undefined
    const record = decodeTaskRecord(taskId, hash, key)
    if (record.expiresAt !== null && record.expiresAt <= this.#settings.now()) return undefined
    return record
  }

  async isExpired(taskId: string): Promise<boolean> {
    if (!isTaskId(taskId)) return false
    const gone = await callRedis(this.#redis, () => this.#redis.get(this.#keys.gone(taskId)))
    if (gone === null) return false
    const expiresAt = Number(gone)
    const now = this.#settings.now()
    return expiresAt <= now && now < expiresAt + this.#settings.expiredMemoryMs
  }

  async updateMetadata(taskId: string, patch: TaskMetadata): Promise<TaskRecord> {
    const reply = await this.#runOnTask(updateMetadataScript, taskId, {
      keys: [],
      args: encodeMetadata(patch),
    })
    return decodeTaskRecord(taskId, reply[1] as string[], this.#keys.task(taskId))
  }

  async append(taskId: string, event: TaskEvent): Promise<StoredTaskEvent> {
    if (typeof event !== 'object' || event === null || event.taskId !== taskId) {
      // An unknown task answers TASK_NOT_FOUND first, as in the memory store.
      await this.#requireTask(taskId)
      throw new ComfyProgressError('TASK_EVENT_INVALID', 'comfy-progress: the event names another task.', {
        details: { taskId },
      })
    }
    const now = this.#settings.now()
    const s = this.#settings
    const k = this.#keys
    const expiresAt = now + s.taskTtlMs
    const reply = await this.#runOnTask(appendScript, taskId, {
      now,
      keys: [k.log(taskId), k.marks(taskId), k.preview(taskId), k.live, k.finished],
      args: [
        taskId,
        JSON.stringify(event),
        event.status,
        isTerminalEvent(event) ? '1' : '0',
        // Identifies this call: a resent script (lost reply) is answered, not applied twice.
        randomBytes(12).toString('base64url'),
        String(s.maxEventsPerTask),
        String(s.taskTtlMs),
        String(expiresAt),
        String(s.taskTtlMs + s.expiredMemoryMs),
        String(now + s.liveTaskTtlMs),
        String(s.liveTaskTtlMs),
      ],
    })
    return storedEvent(taskId, Number(reply[1]), event)
  }

  async eventsAfter(taskId: string, afterSeq: number): Promise<readonly StoredTaskEvent[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
      // An unknown task answers TASK_NOT_FOUND first, as in the memory store.
      await this.#requireTask(taskId)
      throw new ComfyProgressError('INVALID_LAST_EVENT_ID', undefined, { details: { cursor: afterSeq } })
    }
    const k = this.#keys
    const reply = await this.#runOnTask(eventsAfterScript, taskId, {
      keys: [k.log(taskId), k.marks(taskId)],
      args: [`${afterSeq + 1}-0`],
    })
    type Range = readonly (readonly [string, readonly string[]])[]
    return decodeLogEntries(taskId, [reply[1] as Range, reply[2] as Range], k.log(taskId))
  }

  async putPreview(
    taskId: string,
    image: { readonly bytes: Uint8Array; readonly mimeType: string },
  ): Promise<number> {
    const reply = await this.#runOnTask(putPreviewScript, taskId, {
      keys: [this.#keys.preview(taskId)],
      args: [image.bytes, image.mimeType, String(this.#settings.liveTaskTtlMs)],
    })
    return Number(reply[1])
  }

  async getPreview(taskId: string): Promise<TaskPreviewImage | undefined> {
    if (!isTaskId(taskId)) return undefined
    const key = this.#keys.preview(taskId)
    const [bytes, mime, version] = await callRedis(this.#redis, () =>
      this.#redis.hmgetBuffer(key, 'bytes', 'mime', 'version'),
    )
    if (!bytes || !mime || !version) return undefined
    return Object.freeze({
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mimeType: mime.toString('utf8'),
      version: Number(version.toString('utf8')),
    })
  }

  async count(): Promise<{ readonly live: number; readonly finished: number }> {
    const k = this.#keys
    const reply = await this.#run(countScript, {
      keys: [k.live, k.finished],
      args: [String(this.#settings.now())],
    })
    return { live: Number(reply[1]), finished: Number(reply[2]) }
  }

  /** Rejects with `TASK_NOT_FOUND` or `TASK_EXPIRED` unless the task exists. */
  async #requireTask(taskId: string): Promise<void> {
    if ((await this.get(taskId)) !== undefined) return
    const code = (await this.isExpired(taskId)) ? 'TASK_EXPIRED' : 'TASK_NOT_FOUND'
    throw new ComfyProgressError(code, undefined, { details: { taskId } })
  }

  /** Runs a per-task script: `KEYS` start with the task hash and its `gone` key, `ARGV` with the clock. */
  #runOnTask(
    script: RedisScript,
    taskId: string,
    call: RedisScriptCall & { readonly now?: number },
  ): Promise<readonly unknown[]> {
    if (!isTaskId(taskId)) {
      return Promise.reject(new ComfyProgressError('TASK_NOT_FOUND', undefined, { details: { taskId } }))
    }
    const k = this.#keys
    const now = call.now ?? this.#settings.now()
    return this.#run(script, {
      taskId,
      keys: [k.task(taskId), k.gone(taskId), ...call.keys],
      args: [String(now), String(this.#settings.expiredMemoryMs), ...call.args],
    })
  }

  /** Runs a script and turns an error code it answers into a typed rejection. */
  async #run(
    script: RedisScript,
    call: RedisScriptCall & { readonly taskId?: string },
  ): Promise<readonly unknown[]> {
    const reply = await callRedis(this.#redis, () => runRedisScript(this.#redis, script, call))
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') {
      throw new ComfyProgressError('REDIS_DATA_INVALID', undefined, { details: { key: call.keys[0] } })
    }
    const status = reply[0]
    if (status === 'ok') return reply as readonly unknown[]
    const code = status as ComfyProgressErrorCode
    throw new ComfyProgressError(
      code,
      undefined,
      code === 'TOO_MANY_TASKS'
        ? { details: { limit: this.#settings.maxLiveTasks } }
        : { details: { taskId: call.taskId } },
    )
  }
}
