import { ComfyProgressError, isComfyProgressError } from '@comfy-progress/core'
import type { Redis } from 'ioredis'

/** Connection states in which a command cannot succeed soon: fail at once instead of queueing. */
const DOWN = new Set(['reconnecting', 'close', 'end'])

/**
 * Runs `operation` against `redis` and turns every failure that is not already a typed error into
 * `STORE_UNAVAILABLE` (with the client's error as `cause`). While the connection is down the call
 * fails at once, whatever the client's offline queue is set to: a caller (an HTTP route) answers 503
 * now rather than after the client's retries.
 *
 * @example
 * ```ts
 * const value = await callRedis(redis, () => redis.get(key))
 * ```
 */
export async function callRedis<T>(redis: Redis, operation: () => Promise<T>): Promise<T> {
  if (DOWN.has(redis.status)) {
    throw new ComfyProgressError('STORE_UNAVAILABLE', 'comfy-progress: Redis is not connected.', {
      details: { status: redis.status },
    })
  }
  try {
    return await operation()
  } catch (error) {
    if (isComfyProgressError(error)) throw error
    throw new ComfyProgressError('STORE_UNAVAILABLE', undefined, {
      cause: error,
      details: { status: redis.status },
    })
  }
}
