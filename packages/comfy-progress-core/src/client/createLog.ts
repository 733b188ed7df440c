import type { ComfyClientLogEntry, ComfyClientLogger } from './ComfyClientLogEntry.js'

/** A log entry before the client stamps it with `time`. */
export type LogInput = ComfyClientLogEntry extends infer TEntry
  ? TEntry extends ComfyClientLogEntry
    ? Omit<TEntry, 'time'>
    : never
  : never

/** The client's internal log function: a no-op without a logger, otherwise stamps and forwards. */
export type LogFunction = ((entry: LogInput) => void) | undefined

/**
 * Wraps the user's `logger`: stamps each entry with `time` and swallows whatever the logger throws
 * (a debugging hook must never break the connection). `undefined` without a logger, so callers can
 * skip building entries: `log?.({…})`.
 */
export function createLog(logger: ComfyClientLogger | undefined, now: () => number): LogFunction {
  if (logger === undefined) return undefined
  return (entry) => {
    try {
      logger({ ...entry, time: now() })
    } catch {
      // Ignored on purpose: see above.
    }
  }
}
