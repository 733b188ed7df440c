import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

/** A Lua script with its SHA-1, so that it is sent once and then called by hash. */
export interface RedisScript {
  readonly source: string
  readonly sha: string
}

/**
 * A {@link RedisScript} for `source`. Every call passes its keys as `KEYS` (as many as the call
 * needs) and its other arguments as `ARGV`.
 *
 * @example
 * ```ts
 * const bump = defineRedisScript("return redis.call('INCR', KEYS[1])")
 * await runRedisScript(redis, bump, { keys: ['counter'], args: [] })
 * ```
 */
export function defineRedisScript(source: string): RedisScript {
  return Object.freeze({ source, sha: createHash('sha1').update(source).digest('hex') })
}

/** The keys and arguments of one script call. */
export interface RedisScriptCall {
  /** `KEYS`: every key the script touches (Redis needs them declared). */
  readonly keys: readonly string[]
  /** `ARGV`: strings, or bytes (sent without a copy). */
  readonly args: readonly (string | Uint8Array)[]
}

/**
 * Runs `script` atomically on Redis: `EVALSHA`, and `EVAL` when the server does not know the script
 * (first call, or a Redis that restarted and lost its script cache). Rejects with the client's error.
 */
export async function runRedisScript(
  redis: Redis,
  script: RedisScript,
  call: RedisScriptCall,
): Promise<unknown> {
  const argv = [...call.keys, ...call.args.map(toRedisArgument)]
  try {
    return await redis.evalsha(script.sha, call.keys.length, ...argv)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return redis.eval(script.source, call.keys.length, ...argv)
  }
}

function toRedisArgument(arg: string | Buffer | Uint8Array): string | Buffer {
  if (typeof arg === 'string' || Buffer.isBuffer(arg)) return arg
  // A view on the same memory: a preview image is not copied on its way to Redis.
  return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength)
}
