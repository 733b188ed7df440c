/** The longest `Retry-After` taken into account, in ms (one day): beyond it the delay is this. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

/**
 * The delay a `Retry-After` header asks for, in ms from `now`: either whole seconds (`120`) or an
 * HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past is 0). `null` when the header is
 * absent or malformed. Capped at one day.
 *
 * @example
 * ```ts
 * parseRetryAfter('2', Date.now()) // 2000
 * ```
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: number): number | null {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim()
  if (text === undefined || text === '') return null
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS)
  if (!/[a-z]/i.test(text)) return null
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS)
}
