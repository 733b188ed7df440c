import { type ComfyProgressError, errorCodes } from '@comfy-progress/core'
import type { NeutralBodyResponse } from './NeutralHttp.js'
import { statusForError } from './statusForError.js'

/** Headers of every JSON answer: never cached (task state changes). */
export const JSON_HEADERS = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
})

/**
 * The JSON error answer `{error: {code, message}}` with the code's status (see `statusForError`).
 * The message is the error's own, unless the error wraps a foreign one (a store's driver error, say):
 * then it is the code's meaning from the table, so internals never leak to clients.
 *
 * @example
 * ```ts
 * errorResponse(new ComfyProgressError('TASK_NOT_FOUND')) // status 404
 * ```
 */
export function errorResponse(error: ComfyProgressError): NeutralBodyResponse {
  const message = error.cause === undefined ? error.message : `comfy-progress: ${errorCodes[error.code]}`
  const headers: Record<string, string> = { ...JSON_HEADERS }
  const allow = (error.details as { allow?: unknown } | undefined)?.allow
  if (error.code === 'METHOD_NOT_ALLOWED' && typeof allow === 'string') headers.Allow = allow
  return {
    kind: 'body',
    status: statusForError(error.code),
    headers,
    body: JSON.stringify({ error: { code: error.code, message } }),
  }
}
