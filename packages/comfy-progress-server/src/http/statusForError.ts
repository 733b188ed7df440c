import type { ComfyProgressErrorCode } from '@comfy-progress/core'

/**
 * The HTTP status of each error code the routes answer with; the one place where codes meet statuses.
 * Codes not listed (bugs, not client errors) answer 500.
 *
 * 410 Gone for `TASK_EXPIRED` is deliberate: the task existed and will never come back, which a client
 * (the browser's WebhookManager) treats like 404: stop reconnecting.
 */
export const errorStatuses = Object.freeze({
  TASK_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  TASK_EXPIRED: 410,
  METHOD_NOT_ALLOWED: 405,
  INVALID_TASK_IDS: 400,
  TOO_MANY_TASK_IDS: 400,
  INVALID_LAST_EVENT_ID: 400,
  BODY_NOT_JSON: 400,
  BODY_INVALID: 400,
  TASK_EVENT_INVALID: 400,
  TASK_FINISHED: 409,
  TASK_ID_CONFLICT: 409,
  BODY_TOO_LARGE: 413,
  TOO_MANY_TASKS: 429,
  TOO_MANY_SUBSCRIBERS: 429,
  IMAGE_NOT_FOUND: 404,
  PREVIEW_NOT_AVAILABLE: 404,
  SSE_CONSUMER_TOO_SLOW: 503,
  STORE_UNAVAILABLE: 503,
  TASK_MANAGER_CLOSED: 503,
  COMFY_NO_BACKEND: 503,
  INTERNAL_ERROR: 500,
  // ComfyUI behind the routes (the image proxy, cancel): unavailable, or answering nonsense.
  COMFY_UNREACHABLE: 503,
  COMFY_TIMEOUT: 503,
  COMFY_CIRCUIT_OPEN: 503,
  COMFY_CONNECTION_FAILED: 503,
  CLIENT_CLOSED: 503,
  COMFY_HTTP_ERROR: 502,
  COMFY_BAD_RESPONSE: 502,
  // webhooks: a generate request's own `webhook` (403: the app has not enabled per-task webhooks)
  WEBHOOKS_DISABLED: 403,
  WEBHOOK_CONFIG_INVALID: 400,
  WEBHOOK_URL_INVALID: 400,
  WEBHOOK_URL_FORBIDDEN: 400,
  WEBHOOK_SECRET_INVALID: 400,
  WEBHOOK_DISPATCHER_CLOSED: 503,
} satisfies Partial<Record<ComfyProgressErrorCode, number>>)

/**
 * The HTTP status for an error code: 4xx for what the client can fix, 429/503 for "retry later",
 * 500 for anything else.
 *
 * @example
 * ```ts
 * statusForError('TASK_NOT_FOUND') // 404
 * ```
 */
export function statusForError(code: ComfyProgressErrorCode): number {
  return (errorStatuses as Partial<Record<ComfyProgressErrorCode, number>>)[code] ?? 500
}
