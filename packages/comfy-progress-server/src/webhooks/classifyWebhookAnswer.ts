import { ComfyProgressError } from '@comfy-progress/core'
import { parseRetryAfter } from './parseRetryAfter.js'
import type { WebhookAttemptResult } from './sendWebhookRequest.js'

/** What an attempt's result means for the event and the endpoint. */
export type WebhookAnswer =
  /** 2xx: the receiver has it. */
  | { readonly kind: 'delivered'; readonly status: number }
  /**
   * Worth another attempt: a network error, a timeout, 408, 429 or 5xx. `retryAfterMs` is the
   * receiver's `Retry-After`, if it sent one; the whole endpoint then waits that long.
   */
  | {
      readonly kind: 'retry'
      readonly status: number | null
      readonly error: ComfyProgressError
      readonly retryAfterMs: number | null
    }
  /** Never worth retrying: a redirect, another 4xx, a forbidden address, the dispatcher closing. */
  | { readonly kind: 'failed'; readonly status: number | null; readonly error: ComfyProgressError }
  /** 410 Gone: the receiver says the endpoint no longer exists; it is disabled. */
  | { readonly kind: 'gone'; readonly status: 410; readonly error: ComfyProgressError }

/**
 * Classifies one attempt: 2xx delivered; 3xx failed (`WEBHOOK_REDIRECT_REFUSED`, redirects are never
 * followed, nor retried to their `Location`); 410 gone (`WEBHOOK_ENDPOINT_GONE`); 408, 429 and 5xx
 * retried (`WEBHOOK_DELIVERY_FAILED`, with `Retry-After` in seconds or as an HTTP date); other
 * statuses failed; network errors and timeouts retried; the SSRF guard's refusal failed.
 */
export function classifyWebhookAnswer(result: WebhookAttemptResult, now: number): WebhookAnswer {
  if (!result.ok) {
    const code = result.error.code
    const retryable = code === 'WEBHOOK_TIMEOUT' || code === 'WEBHOOK_DELIVERY_FAILED'
    return retryable
      ? { kind: 'retry', status: null, error: result.error, retryAfterMs: null }
      : { kind: 'failed', status: null, error: result.error }
  }
  const { status } = result
  if (status >= 200 && status < 300) return { kind: 'delivered', status }
  if (status >= 300 && status < 400) {
    return { kind: 'failed', status, error: failure('WEBHOOK_REDIRECT_REFUSED', status, 'redirect') }
  }
  if (status === 410) return { kind: 'gone', status, error: failure('WEBHOOK_ENDPOINT_GONE', status, 'gone') }
  if (status === 408 || status === 429 || status >= 500) {
    return {
      kind: 'retry',
      status,
      error: failure('WEBHOOK_DELIVERY_FAILED', status, status === 429 ? 'rate-limited' : 'unavailable'),
      retryAfterMs: parseRetryAfter(result.headers['retry-after'], now),
    }
  }
  return { kind: 'failed', status, error: failure('WEBHOOK_DELIVERY_FAILED', status, 'rejected') }
}

function failure(
  code: 'WEBHOOK_DELIVERY_FAILED' | 'WEBHOOK_REDIRECT_REFUSED' | 'WEBHOOK_ENDPOINT_GONE',
  status: number,
  reason: string,
): ComfyProgressError {
  return new ComfyProgressError(code, undefined, { details: { status, reason } })
}
