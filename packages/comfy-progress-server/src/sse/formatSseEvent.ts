import { ComfyProgressError } from '@comfy-progress/core'

/** The fields of one Server-Sent Event. */
export interface SseEventFields {
  /** The event type (`event:` line); clients dispatch it to listeners of that name. No CR, LF or NUL. */
  readonly event?: string
  /** The payload; a multi-line value becomes one `data:` line per line, as the SSE format requires. */
  readonly data?: string
  /** The event id (`id:` line) that the client sends back as `Last-Event-ID`. No CR, LF or NUL. */
  readonly id?: string
  /** The reconnection delay hint (`retry:` line), a whole number of ms. */
  readonly retry?: number
}

/** CR, LF and NUL: a line break would end the field early (and let a value inject fields); NUL voids an id. */
const FORBIDDEN_IN_FIELD = /[\r\n\0]/
const LINE_BREAK = /\r\n|\r|\n/

/**
 * The lines of one event, in the order `event`, `data`, `id`, `retry`, each ending with `\n`, WITHOUT
 * the blank line that dispatches it: for callers that append more fields (a per-stream `id`).
 * Throws `SSE_FIELD_INVALID` like {@link formatSseEvent}.
 */
export function formatSseFields(fields: SseEventFields): string {
  let out = ''
  if (fields.event !== undefined) out += `event: ${checkField('event', fields.event)}\n`
  if (fields.data !== undefined) {
    for (const line of fields.data.split(LINE_BREAK)) out += `data: ${line}\n`
  }
  if (fields.id !== undefined) out += `id: ${checkField('id', fields.id)}\n`
  if (fields.retry !== undefined) {
    if (!Number.isSafeInteger(fields.retry) || fields.retry < 0) {
      throw new ComfyProgressError('SSE_FIELD_INVALID', undefined, { details: { field: 'retry' } })
    }
    out += `retry: ${fields.retry}\n`
  }
  return out
}

/**
 * One complete Server-Sent Event, ending with the blank line that dispatches it.
 *
 * Throws `SSE_FIELD_INVALID` if `event` or `id` contains CR, LF or NUL (a line break there would end
 * the field and let the rest be read as other fields), or if `retry` is not a whole number ≥ 0.
 *
 * @example
 * ```ts
 * formatSseEvent({ event: 'in-progress', id: '7', data: JSON.stringify(event) })
 * // 'event: in-progress\ndata: {"taskId":…}\nid: 7\n\n'
 * ```
 */
export function formatSseEvent(fields: SseEventFields): string {
  return `${formatSseFields(fields)}\n`
}

/**
 * A comment block (`: text`), which clients ignore: a heartbeat that keeps proxies from closing an
 * idle stream, or a note before the server closes one. A multi-line text becomes one comment line per
 * line, so a comment can never turn into a field.
 *
 * @example
 * ```ts
 * formatSseComment('ping') // ': ping\n\n'
 * ```
 */
export function formatSseComment(text: string): string {
  let out = ''
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`
  return `${out}\n`
}

function checkField(field: 'event' | 'id', value: string): string {
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new ComfyProgressError('SSE_FIELD_INVALID', undefined, { details: { field } })
  }
  return value
}
