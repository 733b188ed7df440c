import { randomBytes } from 'node:crypto'
import { ComfyProgressError } from '@comfy-progress/core'
import type { Redis } from 'ioredis'
import { withDefaults } from '../../internal/withDefaults.js'
import type {
  TakeoverClient,
  TaskHandoff,
  TaskOwnership,
  TaskOwnershipHandlers,
} from '../../tasks/TaskOwnership.js'
import { callRedis } from './callRedis.js'
import { checkRedisOptions } from './checkRedisOptions.js'
import {
  claimScript,
  expiredLeasesScript,
  releaseScript,
  renewScript,
  takeOverScript,
} from './leaseScripts.js'
import { DEFAULT_REDIS_KEY_PREFIX, type RedisKeys, redisKeys } from './redisKeys.js'
import { requireRedisClient } from './requireRedisClient.js'
import { type RedisScript, type RedisScriptCall, runRedisScript } from './runRedisScript.js'

/** The defaults of {@link RedisTaskLeasesOptions}. */
export const redisTaskLeasesDefaults = Object.freeze({
  keyPrefix: DEFAULT_REDIS_KEY_PREFIX,
  leaseTtlMs: 10_000,
  renewIntervalMs: 3_000,
  takeoverIntervalMs: 5_000,
  takeoverGraceMs: 1_000,
  handoffTtlMs: 24 * 60 * 60_000,
  maxTakeoversPerScan: 50,
})

/**
 * A ComfyUI connection under a given client id, made by the app for taken-over tasks; `backend` is
 * the id of the TaskManager backend the prompt runs on (`undefined` with a single `client`).
 */
export type TakeoverClientFactory = (
  clientId: string,
  backend?: string,
) => TakeoverClient & { close(): Promise<void> }

/** Options of {@link RedisTaskLeases}. `redis` and `connect` are required. */
export interface RedisTaskLeasesOptions {
  /** The ioredis client (the app owns it; the same one as the store's is fine). */
  readonly redis: Redis
  /**
   * Makes a ComfyUI client under `clientId`, the id a dead instance submitted its prompts with:
   * ComfyUI sends a prompt's frames to that id only. Usually
   * `(clientId) => new ComfyClient({ baseUrl, clientId })`; with several backends, pick the server
   * by the second argument, the task's backend id:
   * `(clientId, backend) => new ComfyClient({ baseUrl: urls[backend ?? 'default'], clientId })`.
   * The leases close it when its last taken-over task ends.
   */
  readonly connect: TakeoverClientFactory
  /**
   * The key prefix of the {@link RedisTaskStore} (leases read its task hashes).
   * @default 'comfy-progress:'
   */
  readonly keyPrefix?: string
  /**
   * How long a lease lasts without renewal, in ms: how long after an instance dies its tasks wait.
   * @default 10000
   */
  readonly leaseTtlMs?: number
  /**
   * How often this instance renews its leases, in ms; well under `leaseTtlMs`.
   * @default 3000
   */
  readonly renewIntervalMs?: number
  /**
   * How often this instance looks for tasks whose lease ran out, in ms.
   * @default 5000
   */
  readonly takeoverIntervalMs?: number
  /**
   * How long after a lease ran out it may be taken over, in ms: room for its owner to renew it late
   * (after a pause, or once Redis is back) before another instance steps in.
   * @default 1000
   */
  readonly takeoverGraceMs?: number
  /**
   * How long the handoff of a task (its request and client id) is kept, in ms.
   * @default 86400000 (24 hours, the store's `liveTaskTtlMs`)
   */
  readonly handoffTtlMs?: number
  /**
   * Most tasks taken over per scan.
   * @default 50
   */
  readonly maxTakeoversPerScan?: number
  /**
   * This instance's id in the leases.
   * @default 16 random bytes, base64url
   */
  readonly instanceId?: string
  /**
   * Called with failures in the background (a renewal or scan while Redis is down, a failed takeover).
   * @default reports the error with `console.error`
   */
  readonly onError?: (error: unknown) => void
}

type Settings = Required<Omit<RedisTaskLeasesOptions, 'redis' | 'connect' | 'onError'>>

interface SharedClient {
  readonly client: TakeoverClient & { close(): Promise<void> }
  refs: number
}

/**
 * The {@link TaskOwnership} of `TaskManager` on Redis: exactly one instance follows a given ComfyUI
 * prompt at a time. Each task has a lease (a key holding the instance id, with a time to live) that
 * its instance renews every `renewIntervalMs`; when an instance dies its leases run out, and another
 * instance takes each task over: it connects to ComfyUI under the prompt's client id (ComfyUI sends a
 * prompt's frames to that id only) and follows the prompt, which ComfyClient reconciles through
 * `/queue` and `/history`; the store accepts one terminal event, so it is delivered once.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL)
 * const tasks = new TaskManager({
 *   client: new ComfyClient({ baseUrl }),
 *   store: new RedisTaskStore({ redis }),
 *   bus: new RedisEventBus({ redis }),
 *   ownership: new RedisTaskLeases({ redis, connect: (clientId) => new ComfyClient({ baseUrl, clientId }) }),
 * })
 * ```
 */
export class RedisTaskLeases implements TaskOwnership {
  /** This instance's id in the leases. */
  readonly instanceId: string
  readonly #redis: Redis
  readonly #connect: TakeoverClientFactory
  readonly #keys: RedisKeys
  readonly #settings: Settings
  readonly #onError: (error: unknown) => void
  /** Tasks this instance holds, with the client id of the takeover client they use (if any). */
  readonly #owned = new Map<string, string | null>()
  /** Owned tasks that ended, whose lease is kept until their webhook deliveries settle. */
  readonly #held = new Set<string>()
  readonly #clients = new Map<string, SharedClient>()
  #handlers: TaskOwnershipHandlers | null = null
  #timers: ReturnType<typeof setInterval>[] = []
  #closed = false
  #scanning = false

  constructor(options: RedisTaskLeasesOptions) {
    const given = options as Partial<RedisTaskLeasesOptions> | undefined
    this.#redis = requireRedisClient(given?.redis, 'RedisTaskLeases')
    if (typeof given?.connect !== 'function') throw invalidOption('connect')
    this.#connect = given.connect
    const { redis: _redis, connect: _connect, onError, ...rest } = options
    this.#settings = withDefaults(
      { ...redisTaskLeasesDefaults, instanceId: randomBytes(16).toString('base64url') },
      rest,
    )
    checkRedisOptions(this.#settings, [
      'leaseTtlMs',
      'renewIntervalMs',
      'takeoverIntervalMs',
      'takeoverGraceMs',
      'handoffTtlMs',
      'maxTakeoversPerScan',
    ])
    if (this.#settings.renewIntervalMs >= this.#settings.leaseTtlMs) throw invalidOption('renewIntervalMs')
    if (typeof this.#settings.instanceId !== 'string' || this.#settings.instanceId === '') {
      throw invalidOption('instanceId')
    }
    this.instanceId = this.#settings.instanceId
    this.#keys = redisKeys(this.#settings.keyPrefix)
    this.#onError = onError ?? reportError
  }

  async claim(taskId: string, handoff: TaskHandoff): Promise<void> {
    const k = this.#keys
    const s = this.#settings
    const reply = await this.#run(claimScript, {
      keys: [k.owner(taskId), k.handoff(taskId), k.leases],
      args: [s.instanceId, String(s.leaseTtlMs), JSON.stringify(handoff), String(s.handoffTtlMs), taskId],
    })
    if (reply[0] !== 'ok')
      throw new ComfyProgressError('TASK_ID_CONFLICT', undefined, { details: { taskId } })
    this.#owned.set(taskId, null)
  }

  async release(taskId: string): Promise<void> {
    await this.#release(taskId, 'ended')
  }

  hold(taskId: string): void {
    if (this.#owned.has(taskId)) this.#held.add(taskId)
  }

  start(handlers: TaskOwnershipHandlers): void {
    if (this.#handlers !== null || this.#closed) return
    this.#handlers = handlers
    const every = (ms: number, work: () => Promise<void>) => {
      const timer = setInterval(() => void work(), ms)
      timer.unref?.()
      this.#timers.push(timer)
    }
    every(this.#settings.renewIntervalMs, () => this.renew())
    every(this.#settings.takeoverIntervalMs, () => this.takeOver())
  }

  /**
   * Renews every lease this instance holds (the timer calls it; call it yourself to renew at once).
   * Tasks another instance took, or that ended elsewhere, are dropped (`lost`).
   */
  async renew(): Promise<void> {
    const taskIds = [...this.#owned.keys()]
    const k = this.#keys
    for (let start = 0; start < taskIds.length; start += 100) {
      const batch = taskIds.slice(start, start + 100)
      try {
        const results = await this.#run(renewScript, {
          keys: [k.leases, ...batch.flatMap((id) => [k.owner(id), k.task(id), k.handoff(id)])],
          args: [
            this.#settings.instanceId,
            String(this.#settings.leaseTtlMs),
            ...batch.flatMap((id) => [id, this.#held.has(id) ? '1' : '0']),
          ],
        })
        batch.forEach((taskId, i) => {
          if (!this.#owned.has(taskId) || results[i] === 'ok') return
          if (results[i] === 'ended') this.#endedElsewhere(taskId)
          else this.#drop(taskId)
        })
      } catch (error) {
        // Redis is down: keep following; the next renewal tells whether the leases are still ours.
        this.#onError(error)
        return
      }
    }
  }

  /**
   * Takes over the tasks whose lease ran out (the timer calls it; call it yourself to look at once),
   * and hands each to the TaskManager to follow.
   */
  async takeOver(): Promise<void> {
    const handlers = this.#handlers
    if (handlers === null || this.#scanning || this.#closed) return
    this.#scanning = true
    try {
      const s = this.#settings
      const candidates = await this.#run(expiredLeasesScript, {
        keys: [this.#keys.leases],
        args: [String(s.maxTakeoversPerScan), String(s.takeoverGraceMs)],
      })
      for (const taskId of candidates) {
        if (typeof taskId === 'string' && !this.#closed) await this.#takeOverOne(taskId, handlers)
      }
    } catch (error) {
      this.#onError(error)
    } finally {
      this.#scanning = false
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const timer of this.#timers.splice(0)) clearInterval(timer)
    const taskIds = [...this.#owned.keys()]
    // Stop following first, then let go: another instance takes the tasks over at once.
    for (const taskId of taskIds) this.#handlers?.lost(taskId)
    await Promise.all(taskIds.map((taskId) => this.#release(taskId, 'handover')))
    await Promise.all([...this.#clients.values()].map(({ client }) => client.close().catch(() => undefined)))
    this.#clients.clear()
  }

  async #takeOverOne(taskId: string, handlers: TaskOwnershipHandlers): Promise<void> {
    const k = this.#keys
    const s = this.#settings
    const reply = await this.#run(takeOverScript, {
      keys: [k.owner(taskId), k.task(taskId), k.handoff(taskId), k.leases],
      args: [s.instanceId, String(s.leaseTtlMs), taskId],
    })
    if (reply[0] !== 'ok' || typeof reply[1] !== 'string') return
    // An ended task whose owner died before its webhooks settled: no ComfyUI client is needed.
    const ended = reply[2] === 'ended'
    let handoff: TaskHandoff
    try {
      handoff = JSON.parse(reply[1]) as TaskHandoff
      if (typeof handoff.clientId !== 'string' || typeof handoff.request !== 'object') throw new Error()
    } catch (cause) {
      this.#onError(
        new ComfyProgressError('REDIS_DATA_INVALID', undefined, {
          details: { key: k.handoff(taskId) },
          cause,
        }),
      )
      return
    }
    try {
      const client =
        ended || handoff.clientId === handlers.clientId
          ? null
          : this.#acquireClient(
              handoff.clientId,
              typeof handoff.backend === 'string' ? handoff.backend : undefined,
            )
      this.#owned.set(taskId, client === null ? null : handoff.clientId)
      if (ended) this.#held.add(taskId)
      await handlers.adopt(taskId, handoff, client)
    } catch (error) {
      this.#onError(error)
      await this.#release(taskId, 'handover')
    }
  }

  #acquireClient(clientId: string, backend: string | undefined): TakeoverClient {
    let shared = this.#clients.get(clientId)
    if (shared === undefined) {
      shared = {
        client: backend === undefined ? this.#connect(clientId) : this.#connect(clientId, backend),
        refs: 0,
      }
      this.#clients.set(clientId, shared)
    }
    shared.refs++
    return shared.client
  }

  /** Drops the lease: `ended` forgets it, `handover` lets any instance take the task over at once. */
  async #release(taskId: string, mode: 'ended' | 'handover'): Promise<void> {
    if (!this.#owned.has(taskId)) return
    this.#forget(taskId)
    const k = this.#keys
    await this.#run(releaseScript, {
      keys: [k.owner(taskId), k.handoff(taskId), k.leases],
      args: [this.#settings.instanceId, taskId, mode],
    }).catch((error: unknown) => this.#onError(error))
  }

  /**
   * The task ended on another instance (a cancel there) while this one followed it: the lease is kept
   * until this instance's webhook deliveries of the task settle, when the TaskManager can do that.
   */
  #endedElsewhere(taskId: string): void {
    const handlers = this.#handlers
    if (handlers?.endedElsewhere === undefined) {
      void this.#release(taskId, 'ended')
      handlers?.lost(taskId)
      return
    }
    this.#held.add(taskId)
    handlers.endedElsewhere(taskId)
  }

  /** Another instance owns the task, or it is gone. */
  #drop(taskId: string): void {
    this.#forget(taskId)
    this.#handlers?.lost(taskId)
  }

  /** Forgets the task and closes its takeover client once no other task uses it. */
  #forget(taskId: string): void {
    const clientId = this.#owned.get(taskId)
    this.#owned.delete(taskId)
    this.#held.delete(taskId)
    if (clientId === null || clientId === undefined) return
    const shared = this.#clients.get(clientId)
    if (shared === undefined || --shared.refs > 0) return
    this.#clients.delete(clientId)
    shared.client.close().catch((error: unknown) => this.#onError(error))
  }

  async #run(script: RedisScript, call: RedisScriptCall): Promise<readonly unknown[]> {
    const reply = await callRedis(this.#redis, () => runRedisScript(this.#redis, script, call))
    if (!Array.isArray(reply)) {
      throw new ComfyProgressError('REDIS_DATA_INVALID', undefined, { details: { key: call.keys[0] } })
    }
    return reply as readonly unknown[]
  }
}

function invalidOption(option: string): ComfyProgressError {
  return new ComfyProgressError('REDIS_OPTIONS_INVALID', `comfy-progress: the option ${option} is invalid.`, {
    details: { option },
  })
}

function reportError(error: unknown): void {
  console.error('comfy-progress: Redis task leases failed in the background', error)
}
