import { ComfyProgressError } from '@comfy-progress/core'
import type { Redis } from 'ioredis'

/**
 * `value` if it is an ioredis client, else `REDIS_CLIENT_MISSING`. The Redis adapter never imports
 * ioredis itself (it is an optional peer dependency): the app creates the client, so importing
 * `@comfy-progress/server/redis` works without it and only constructing a store or bus without a
 * client fails, with this clear, typed error.
 *
 * @example
 * ```ts
 * const redis = requireRedisClient(options.redis, 'RedisTaskStore')
 * ```
 */
export function requireRedisClient(value: unknown, owner: string): Redis {
  const client = value as Partial<Redis> | null | undefined
  if (
    typeof client === 'object' &&
    client !== null &&
    typeof client.evalsha === 'function' &&
    typeof client.duplicate === 'function' &&
    typeof client.status === 'string'
  ) {
    return value as Redis
  }
  throw new ComfyProgressError(
    'REDIS_CLIENT_MISSING',
    `comfy-progress: ${owner} needs an ioredis client in its \`redis\` option: install ioredis (an optional peer dependency) and pass new Redis(url).`,
    { details: { option: 'redis' } },
  )
}
