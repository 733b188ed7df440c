import { parseFailure } from '../internal/parseFailure.js'
import type { ComfyMessage } from './ComfyMessage.js'
import { checkMessageData } from './checkMessageData.js'
import { describe } from './explainShapeProblem.js'
import type { ParseMessageResult } from './ParseMessageResult.js'

/** How much of a rejected frame goes into `error.details.start`, to recognise it in a log. */
const EXCERPT_LENGTH = 64

/**
 * Parses one text WebSocket frame of ComfyUI, `{"type": …, "data": {…}}`. A modelled type whose
 * `data` passes {@link checkMessageData} is returned as the parsed object itself (no copy); an
 * unmodelled type becomes `{type: 'unknown', rawType, data}`. Never throws.
 */
export function parseTextFrame(frame: string): ParseMessageResult {
  let value: unknown
  try {
    value = JSON.parse(frame)
  } catch (cause) {
    return parseFailure(
      'MESSAGE_NOT_JSON',
      `a text frame is not valid JSON (${cause instanceof Error ? cause.message : 'parse failed'}). ComfyUI sends only JSON text frames: check that the URL points at ComfyUI's /ws and that text frames are passed as received.`,
      { length: frame.length, start: frame.slice(0, EXCERPT_LENGTH) },
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return shapeFailure(frame, {
      field: '(frame)',
      expected: 'a {type, data} object',
      received: describe(value),
    })
  }
  const envelope = value as { readonly type?: unknown; readonly data?: unknown }
  const type = envelope.type
  if (typeof type !== 'string') {
    return shapeFailure(frame, { field: 'type', expected: 'a string', received: describe(type) })
  }
  const data = envelope.data
  switch (type) {
    case 'status':
    case 'execution_start':
    case 'execution_cached':
    case 'executing':
    case 'progress':
    case 'progress_state':
    case 'executed':
    case 'execution_success':
    case 'execution_error':
    case 'execution_interrupted':
    case 'feature_flags': {
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        return shapeFailure(frame, { type, field: 'data', expected: 'an object', received: describe(data) })
      }
      const problem = checkMessageData(type, data as Record<string, unknown>)
      if (problem !== undefined) {
        return shapeFailure(frame, { type, ...problem, field: `data.${problem.field}` })
      }
      return { ok: true, message: value as ComfyMessage }
    }
    default:
      return { ok: true, message: { type: 'unknown', rawType: type, data } }
  }
}

function shapeFailure(
  frame: string,
  problem: {
    readonly type?: string
    readonly field: string
    readonly expected: string
    readonly received: string
  },
): ParseMessageResult {
  const what = problem.type === undefined ? 'a text frame' : `a "${problem.type}" frame`
  const subject = problem.field === '(frame)' ? what : `in ${what}, \`${problem.field}\``
  const found = problem.received === 'undefined' ? 'is missing' : `is ${articled(problem.received)}`
  return parseFailure(
    'MESSAGE_INVALID_SHAPE',
    `${subject} ${found} but should be ${problem.expected}. The frame does not have the shape ComfyUI documents: skip it, and check the server version or its custom nodes if this repeats.`,
    { ...problem, start: frame.slice(0, EXCERPT_LENGTH) },
  )
}

function articled(jsonType: string): string {
  return jsonType === 'null' ? 'null' : `${/^[aeiou]/.test(jsonType) ? 'an' : 'a'} ${jsonType}`
}
