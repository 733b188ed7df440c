import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { TaskEvent, TaskStatus } from './TaskEvent.js'

/** What {@link parseTaskEvent} returns: the event, or why the value is not one (code `TASK_EVENT_INVALID`). */
export type ParseTaskEventResult =
  | { readonly ok: true; readonly event: TaskEvent }
  | { readonly ok: false; readonly error: ComfyProgressError }

const STATUSES: readonly TaskStatus[] = ['queued', 'in-progress', 'completed', 'error', 'cancelled']

/** ISO 8601 date-time with seconds and an explicit zone, as `Date#toISOString` writes it (or an offset). */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/

/** Optional typed fields of `result` (the design document's); other fields pass through unchecked. */
const RESULT_FIELDS: Readonly<Record<string, 'string' | 'number' | 'boolean'>> = {
  description: 'string',
  prompt: 'string',
  seed: 'number',
  name: 'string',
  workflow: 'string',
  inpaint: 'boolean',
  uid: 'number',
}

/** What is wrong: the field's dot path (`null` for the value itself) and what it must be. */
interface Problem {
  readonly field: string | null
  readonly expected: string
}

/**
 * Validates a task event received from a comfy-progress server: an SSE message's `data` string, a
 * webhook body, or an already-parsed object. **Never throws.** Accepts a JSON string (the browser calls
 * it with every SSE `data` string) or a value. Unknown fields are tolerated and kept (servers may be
 * newer); known fields of the wrong type, an unknown `status`, a percentage outside 0–100, a timestamp
 * that is not ISO 8601, a completed event without `result.imageUrl` or an error event without
 * `error.message`/`error.details` are rejected with code `TASK_EVENT_INVALID`, whose `details.field`
 * names the offending field (`null` when the value is not JSON or not an object).
 *
 * On success, `event` is the parsed object itself (not a copy).
 *
 * @example
 * ```ts
 * source.addEventListener('in-progress', (message) => {
 *   const parsed = parseTaskEvent(message.data)
 *   if (!parsed.ok) return console.warn(parsed.error.code, parsed.error.details)
 *   render(parsed.event.progress.percentage, parsed.event.progress.currentStep)
 * })
 * ```
 */
export function parseTaskEvent(value: unknown): ParseTaskEventResult {
  let event: unknown = value
  if (typeof value === 'string') {
    try {
      event = JSON.parse(value)
    } catch {
      return failure({ field: null, expected: 'valid JSON' })
    }
  }
  let problem: Problem | null
  try {
    problem = checkEvent(event)
  } catch {
    // Only hostile values get here (a Proxy or a getter that throws).
    problem = { field: null, expected: 'a readable object' }
  }
  return problem ? failure(problem) : { ok: true, event: event as TaskEvent }
}

function checkEvent(value: unknown): Problem | null {
  if (!isRecord(value)) return { field: null, expected: 'an object' }
  const event = value
  if (typeof event.taskId !== 'string' || event.taskId === '') return problem('taskId', 'a non-empty string')
  if (typeof event.status !== 'string' || !(STATUSES as readonly string[]).includes(event.status)) {
    return problem('status', `one of ${STATUSES.join(', ')}`)
  }
  const progress = event.progress
  if (!isRecord(progress)) return problem('progress', 'an object')
  const percentage = progress.percentage
  if (typeof percentage !== 'number' || !(percentage >= 0 && percentage <= 100)) {
    return problem('progress.percentage', 'a number from 0 to 100')
  }
  if (typeof progress.currentStep !== 'string') return problem('progress.currentStep', 'a string')
  if (!isCount(progress.currentValue)) return problem('progress.currentValue', 'a finite number ≥ 0')
  if (!isCount(progress.maxValue)) return problem('progress.maxValue', 'a finite number ≥ 0')
  const timestamp = event.timestamp
  if (
    typeof timestamp !== 'string' ||
    !ISO_TIMESTAMP.test(timestamp) ||
    !Number.isFinite(Date.parse(timestamp))
  ) {
    return problem('timestamp', 'an ISO 8601 date-time such as 2025-11-25T12:34:56.789Z')
  }
  if (event.status === 'completed') {
    const result = checkResult(event.result)
    if (result) return result
  }
  if (event.status === 'error') {
    const error = event.error
    if (!isRecord(error)) return problem('error', 'an object')
    if (typeof error.message !== 'string') return problem('error.message', 'a string')
    if (typeof error.details !== 'string') return problem('error.details', 'a string')
    if (error.code !== undefined && typeof error.code !== 'string') return problem('error.code', 'a string')
  }
  return checkAdditive(event)
}

/** `eta`, `queuePosition`, `node`, `preview`: optional and nullable, but typed when present. */
function checkAdditive(event: Record<string, unknown>): Problem | null {
  if (event.eta != null && !isCount(event.eta)) return problem('eta', 'null or a finite number ≥ 0')
  const position = event.queuePosition
  if (position != null && !(typeof position === 'number' && Number.isInteger(position) && position >= 0)) {
    return problem('queuePosition', 'null or a whole number ≥ 0')
  }
  const node = event.node
  if (node != null) {
    if (!isRecord(node)) return problem('node', 'null or an object')
    if (typeof node.id !== 'string') return problem('node.id', 'a string')
    if (node.classType !== null && typeof node.classType !== 'string') {
      return problem('node.classType', 'null or a string')
    }
  }
  const preview = event.preview
  if (preview != null) {
    if (!isRecord(preview)) return problem('preview', 'null or an object')
    if (typeof preview.url !== 'string') return problem('preview.url', 'a string')
  }
  return null
}

function checkResult(result: unknown): Problem | null {
  if (!isRecord(result)) return problem('result', 'an object')
  if (typeof result.imageUrl !== 'string') return problem('result.imageUrl', 'a string')
  for (const field in RESULT_FIELDS) {
    const type = RESULT_FIELDS[field]!
    const value = result[field]
    if (value !== undefined && typeof value !== type) return problem(`result.${field}`, `a ${type}`)
  }
  return null
}

function problem(field: string, expected: string): Problem {
  return { field, expected }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A finite number ≥ 0: a bar value or maximum, seconds. */
function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function failure({ field, expected }: Problem): ParseTaskEventResult {
  const subject = field === null ? 'the value' : `its ${field}`
  return {
    ok: false,
    error: new ComfyProgressError(
      'TASK_EVENT_INVALID',
      `comfy-progress: not a task event: ${subject} must be ${expected}.`,
      { details: { field, expected } },
    ),
  }
}
