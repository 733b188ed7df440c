import { ComfyProgressError } from '@comfy-progress/core'
import { isTaskId } from '../tasks/createTaskId.js'

/**
 * Where a client stands on each task of a stream: task id → sequence number of the last event it
 * received (0: none). Tasks absent from the map start from their current state.
 */
export type StreamCursor = ReadonlyMap<string, number>

/** Longest cursor accepted, in characters: room for 128 tasks. */
export const MAX_CURSOR_LENGTH = 4096

const SEQ = /^(?:0|[1-9][0-9]{0,15})$/
const ENTRY = /^([A-Za-z0-9_-]{22}):((?:0|[1-9][0-9]{0,15}))$/

/**
 * The SSE `id:` of an event on a stream that follows several tasks: every task's position, so that
 * ONE `Last-Event-ID` resumes all of them. The format is `<taskId>:<seq>` pairs joined by commas, in
 * the stream's task order, leaving out tasks with nothing received yet:
 *
 * ```
 * id: mB3kV0c6TnS8yq1Zp4W2xA:5,Q9d-2LrUe0aXk7YbWmHc1g:9
 * ```
 *
 * Task ids are base64url and sequence numbers are digits, so a cursor never contains `,` or `:`
 * inside a part, nor a line break. A stream that follows one task (`/progress/:taskId`) uses the plain
 * sequence number (`id: 5`) instead.
 */
export function formatStreamCursor(taskIds: readonly string[], positions: StreamCursor): string {
  let out = ''
  for (const taskId of taskIds) {
    const seq = positions.get(taskId)
    if (seq === undefined || seq === 0) continue
    out += `${out === '' ? '' : ','}${taskId}:${seq}`
  }
  return out
}

/** Input of {@link resumeFromLastEventId}. */
export interface ResumeInput {
  /** The `Last-Event-ID` request header (set by EventSource when it reconnects). */
  readonly header?: string | null
  /** The `lastEventId` query parameter (set by a client that reconnects by itself). */
  readonly query?: string | null
  /** The tasks the stream follows, validated and deduplicated. */
  readonly taskIds: readonly string[]
}

/**
 * Reads where a reconnecting client stands. The header wins over the query: an EventSource that
 * reconnects sends its latest id in the header while its URL still carries the query it was opened
 * with. An empty or absent value means "no cursor" (start from the current state).
 *
 * Accepted forms, parsed strictly:
 * - a plain sequence number (`5`), only when the stream follows exactly one task;
 * - the multi-task form of {@link formatStreamCursor} (`taskA:5,taskB:9`) on any stream. Pairs for
 *   tasks the stream does not follow are ignored, so a client may drop a task from its URL and keep
 *   its cursor.
 *
 * Throws `INVALID_LAST_EVENT_ID` for anything else: a malformed number or task id, a duplicate task, a
 * plain number on a multi-task stream, a value longer than {@link MAX_CURSOR_LENGTH}. Whether each
 * position exists is checked against the store by the caller.
 *
 * @example
 * ```ts
 * resumeFromLastEventId({ header: '5', taskIds: [taskId] }) // Map { taskId => 5 }
 * ```
 */
export function resumeFromLastEventId(input: ResumeInput): StreamCursor {
  const raw = input.header || input.query || ''
  const cursor = new Map<string, number>()
  if (raw === '') return cursor
  const invalid = (reason: string) =>
    new ComfyProgressError('INVALID_LAST_EVENT_ID', `comfy-progress: Last-Event-ID ${reason}.`, {
      details: { cursor: raw.slice(0, 200) },
    })
  if (raw.length > MAX_CURSOR_LENGTH) throw invalid(`is longer than ${MAX_CURSOR_LENGTH} characters`)

  if (SEQ.test(raw)) {
    if (input.taskIds.length !== 1) throw invalid('is a plain number, but the stream follows several tasks')
    cursor.set(input.taskIds[0]!, toSeq(raw, invalid))
    return cursor
  }
  const followed = new Set(input.taskIds)
  const seen = new Set<string>()
  for (const part of raw.split(',')) {
    const match = ENTRY.exec(part)
    if (match === null || !isTaskId(match[1])) throw invalid('is not a list of taskId:seq pairs')
    const taskId = match[1]
    if (seen.has(taskId)) throw invalid('names a task twice')
    seen.add(taskId)
    if (followed.has(taskId)) cursor.set(taskId, toSeq(match[2]!, invalid))
  }
  return cursor
}

function toSeq(digits: string, invalid: (reason: string) => ComfyProgressError): number {
  const seq = Number(digits)
  if (!Number.isSafeInteger(seq)) throw invalid('holds a number that is too large')
  return seq
}
