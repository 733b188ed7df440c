import {
  type CancelledTaskEvent,
  ComfyProgressError,
  type ComfyProgressErrorCode,
  type ErrorTaskEvent,
  errorCodes,
} from '@comfy-progress/core'

/** `code` if it is a code of core's table (a server may be newer or foreign), else `fallback`. */
export function knownCode(code: unknown, fallback: ComfyProgressErrorCode): ComfyProgressErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCodes, code)
    ? (code as ComfyProgressErrorCode)
    : fallback
}

/**
 * The error `onError` receives with a task's final event: `TASK_CANCELLED` for a `cancelled` event;
 * for an `error` event, the event's own code (when known) or `COMFY_EXECUTION_FAILED`, with the
 * event's message and its `error` block as `details`.
 */
export function errorOfEvent(event: ErrorTaskEvent | CancelledTaskEvent): ComfyProgressError {
  if (event.status === 'cancelled') {
    return new ComfyProgressError('TASK_CANCELLED', undefined, { details: event })
  }
  return new ComfyProgressError(knownCode(event.error.code, 'COMFY_EXECUTION_FAILED'), event.error.message, {
    details: event.error,
  })
}
