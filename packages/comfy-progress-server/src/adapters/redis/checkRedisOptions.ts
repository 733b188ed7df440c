import { ComfyProgressError } from '@comfy-progress/core'

/**
 * Rejects, with `REDIS_OPTIONS_INVALID` and the option's name in `details`, any of `names` that is not
 * a positive whole number of at most 2^31 (milliseconds or counts), and a `now` that is not a function.
 *
 * @example
 * ```ts
 * checkRedisOptions({ taskTtlMs: 0 }, ['taskTtlMs']) // throws REDIS_OPTIONS_INVALID
 * ```
 */
export function checkRedisOptions(options: object, names: readonly string[]): void {
  const values = options as Record<string, unknown>
  for (const name of names) {
    const value = values[name]
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > 2 ** 31) {
      throw invalidOption(name)
    }
  }
  if ('now' in values && typeof values.now !== 'function') throw invalidOption('now')
}

function invalidOption(option: string): ComfyProgressError {
  return new ComfyProgressError('REDIS_OPTIONS_INVALID', `comfy-progress: the option ${option} is invalid.`, {
    details: { option },
  })
}
