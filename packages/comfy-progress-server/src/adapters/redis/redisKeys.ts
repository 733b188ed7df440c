import { ComfyProgressError } from '@comfy-progress/core'

/** The key prefix of the Redis store, bus and leases unless one is given. */
export const DEFAULT_REDIS_KEY_PREFIX = 'comfy-progress:'

/**
 * The Redis key names of one deployment (one prefix). A task's own keys share the hash tag `{taskId}`,
 * so each of them lands in one slot; the store's scripts also touch the two deployment-wide sorted
 * sets, so the store runs on one Redis primary (with replicas or Sentinel), not across a Cluster.
 */
export interface RedisKeys {
  readonly prefix: string
  /** Hash: metadata (`meta:*`), `createdAt`, `seq`, `latest`, `status`, `finishedAt`, `expiresAt`, `previews`. */
  task(taskId: string): string
  /** Stream: the event log, entry id `<seq>-0`, bounded with `MAXLEN ~`. */
  log(taskId: string): string
  /** Stream: the events that changed the task's status; never trimmed by the log's bound. */
  marks(taskId: string): string
  /** Hash: the latest preview image (`bytes`, `mime`, `version`). */
  preview(taskId: string): string
  /** String: the finished task's `expiresAt`, kept after the task so that `isExpired` can answer. */
  gone(taskId: string): string
  /** String: the id of the instance that follows the task's prompt, with a time to live (the lease). */
  owner(taskId: string): string
  /** String: what another instance needs to take the task over (JSON of a `TaskHandoff`). */
  handoff(taskId: string): string
  /** Sorted set: live task ids, scored by when an abandoned live task is given up. */
  readonly live: string
  /** Sorted set: finished task ids, scored by `expiresAt`. */
  readonly finished: string
  /** Sorted set: live task ids that have an owner, scored by when their lease runs out. */
  readonly leases: string
  /** The pub/sub channel of a task's events. */
  channel(taskId: string): string
}

/**
 * The key names for `prefix`. Rejects a prefix with a brace (it would break the hash tags) or a
 * non-string with `REDIS_OPTIONS_INVALID`.
 *
 * @example
 * ```ts
 * redisKeys('app:').log(taskId) // 'app:task:{<taskId>}:log'
 * ```
 */
export function redisKeys(prefix: string = DEFAULT_REDIS_KEY_PREFIX): RedisKeys {
  if (typeof prefix !== 'string' || /[{}]/.test(prefix) || prefix.length > 200) {
    throw new ComfyProgressError(
      'REDIS_OPTIONS_INVALID',
      'comfy-progress: keyPrefix must be a string without braces.',
      {
        details: { option: 'keyPrefix' },
      },
    )
  }
  const task = (taskId: string) => `${prefix}task:{${taskId}}`
  return Object.freeze({
    prefix,
    task,
    log: (taskId: string) => `${task(taskId)}:log`,
    marks: (taskId: string) => `${task(taskId)}:marks`,
    preview: (taskId: string) => `${task(taskId)}:preview`,
    gone: (taskId: string) => `${task(taskId)}:gone`,
    owner: (taskId: string) => `${task(taskId)}:owner`,
    handoff: (taskId: string) => `${task(taskId)}:handoff`,
    live: `${prefix}live`,
    finished: `${prefix}finished`,
    leases: `${prefix}leases`,
    channel: (taskId: string) => `${prefix}events:${taskId}`,
  })
}
