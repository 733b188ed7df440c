/**
 * Time left, in words for a person: `about 6 s left`, `about 2 min left`, `about 1 h left`,
 * `less than 1 s left` under a second, and an empty string when it is unknown (`null`: the server never
 * guesses) or not a number of seconds.
 *
 * @example
 * ```ts
 * formatEta(6.2) // 'about 6 s left'
 * formatEta(130) // 'about 2 min left'
 * formatEta(null) // ''
 * ```
 */
export function formatEta(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !(seconds >= 0) || seconds === Infinity) return ''
  if (seconds < 1) return 'less than 1 s left'
  if (seconds < 59.5) return `about ${Math.round(seconds)} s left`
  if (seconds < 3570) return `about ${Math.round(seconds / 60)} min left`
  return `about ${Math.round(seconds / 3600)} h left`
}
