import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { checkRedisOptions } from './checkRedisOptions.js'
import { redisKeys } from './redisKeys.js'
import { requireRedisClient } from './requireRedisClient.js'

const codeOf = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    return isComfyProgressError(error) ? error.code : error
  }
  return 'no error'
}

describe('redisKeys', () => {
  it('puts every key of a task under one hash tag, below the prefix', () => {
    const keys = redisKeys('app:')
    const id = 'mB3kV0c6TnS8yq1Zp4W2xA'
    for (const key of [keys.task(id), keys.log(id), keys.marks(id), keys.preview(id), keys.gone(id)]) {
      expect(key.startsWith(`app:task:{${id}}`)).toBe(true)
    }
    expect(keys.channel(id)).toBe(`app:events:${id}`)
    expect(redisKeys().live).toBe('comfy-progress:live')
  })

  it('rejects a prefix with a brace or of the wrong type', () => {
    expect(codeOf(() => redisKeys('a{b'))).toBe('REDIS_OPTIONS_INVALID')
    expect(codeOf(() => redisKeys(42 as unknown as string))).toBe('REDIS_OPTIONS_INVALID')
  })
})

describe('checkRedisOptions and requireRedisClient', () => {
  it('accept positive whole numbers and an ioredis-shaped client', () => {
    expect(codeOf(() => checkRedisOptions({ taskTtlMs: 1000, now: Date.now }, ['taskTtlMs']))).toBe(
      'no error',
    )
    const client = { evalsha: () => undefined, duplicate: () => undefined, status: 'ready' }
    expect(requireRedisClient(client, 'test')).toBe(client)
  })

  it('reject anything else with a typed code', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '10', 2 ** 40]) {
      expect(codeOf(() => checkRedisOptions({ taskTtlMs: bad }, ['taskTtlMs']))).toBe('REDIS_OPTIONS_INVALID')
    }
    expect(codeOf(() => checkRedisOptions({ now: 5 }, []))).toBe('REDIS_OPTIONS_INVALID')
    for (const bad of [undefined, null, {}, { evalsha: 1 }, 'redis://localhost']) {
      expect(codeOf(() => requireRedisClient(bad, 'test'))).toBe('REDIS_CLIENT_MISSING')
    }
  })
})
