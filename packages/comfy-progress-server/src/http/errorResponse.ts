import { type ComfyProgressError, errorCodes } from '@comfy-progress/core'
import { jsonResponse } from './jsonResponse.js'
import type { NeutralBodyResponse } from './NeutralHttp.js'
import { statusForError } from './statusForError.js'

/**
 * The JSON error answer `{error: {code, message}}` with the code's status (see `statusForError`).
 * The message is the error's own, unless the error wraps a foreign one (a store's driver error, say):
 * then it is the code's meaning from the table, so internals never leak to clients. An error created
 * without a message (core's default names the code only) also gets the code's meaning.
 *
 * @example
 * ```ts
 * errorResponse(new ComfyProgressError('TASK_NOT_FOUND')) // status 404
 * ```
 */
export function errorResponse(error: ComfyProgressError): NeutralBodyResponse & { readonly body: string } {
  const generic = error.cause !== undefined || error.message.startsWith(`${error.code} (see errorCodes.`)
  const message = generic ? `comfy-progress: ${errorCodes[error.code]}` : error.message
  const headers: Record<string, string> = {}
  const allow = (error.details as { allow?: unknown } | undefined)?.allow
  if (error.code === 'METHOD_NOT_ALLOWED' && typeof allow === 'string') headers.Allow = allow
  return jsonResponse(statusForError(error.code), { error: { code: error.code, message } }, headers)
}
