import { createHmac } from 'node:crypto'
import { ComfyProgressError } from '@comfy-progress/core'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { decodeWebhookSecrets, type WebhookSecretInput } from './webhookSecret.js'

/** The three Standard Webhooks headers of one delivery attempt (a type, so it is a plain header record). */
export type WebhookSignatureHeaders = {
  /** Stable for one event across retries: receivers de-duplicate by it. */
  readonly 'webhook-id': string
  /** When the attempt was signed, in whole seconds since the epoch (fresh on every retry). */
  readonly 'webhook-timestamp': string
  /** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret, separated by spaces. */
  readonly 'webhook-signature': string
}

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  /** The message id: printable ASCII without spaces, 1 to 256 characters. */
  readonly id: string
  /** Seconds since the epoch. */
  readonly timestamp: number
  /** The exact bytes (or UTF-8 text) that will be sent as the body. */
  readonly body: string | Uint8Array
  /** `whsec_…`, or several during a rotation: each one adds a signature. */
  readonly secret: WebhookSecretInput
}

const MESSAGE_ID = /^[\x21-\x7e]{1,256}$/

/**
 * Signs a webhook per the Standard Webhooks specification: the HMAC-SHA256 of `id.timestamp.body`
 * under each secret, base64, as `v1,<signature>`, space-separated when there are several (a secret
 * rotation: receivers holding either secret accept the message). Throws `WEBHOOK_SECRET_INVALID` for
 * a malformed secret and `WEBHOOK_CONFIG_INVALID` for a malformed id or timestamp.
 *
 * @example
 * ```ts
 * const headers = signWebhook({ id: 'msg_1', timestamp: Math.floor(Date.now() / 1000), body, secret })
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } })
 * ```
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  return signWebhookWithKeys(decodeWebhookSecrets(input.secret), input)
}

/** {@link signWebhook} with already-decoded keys (the dispatcher decodes each secret once). */
export function signWebhookWithKeys(
  keys: readonly Uint8Array[],
  input: Omit<SignWebhookInput, 'secret'>,
): WebhookSignatureHeaders {
  const { id, timestamp } = input
  if (!MESSAGE_ID.test(id)) throw invalid('id')
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw invalid('timestamp')
  const signatures = keys.map((key) => `v1,${computeWebhookSignature(key, input)}`)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  }
}

/** The base64 HMAC-SHA256 of `id.timestamp.body` under `key`: the part after `v1,`. */
export function computeWebhookSignature(key: Uint8Array, input: Omit<SignWebhookInput, 'secret'>): string {
  return createHmac('sha256', key)
    .update(`${input.id}.${input.timestamp}.`)
    .update(input.body)
    .digest('base64')
}

/**
 * The `webhook-id` of a stored task event: `<taskId>:<seq>`. The same for every attempt and every
 * endpoint, so a receiver de-duplicates retries by it; the part after the colon is the event's
 * per-task sequence number (also sent as `webhook-sequence`), and it is covered by the signature.
 */
export function webhookIdFor(entry: Pick<StoredTaskEvent, 'taskId' | 'seq'>): string {
  return `${entry.taskId}:${entry.seq}`
}

const bodies = new WeakMap<StoredTaskEvent, string>()

/**
 * The body of a webhook for a stored task event: the event as one line of JSON, byte for byte the
 * `data:` of its SSE frame (`JSON.stringify` of the same object). Cached per entry object, so a
 * fan-out to several endpoints serialises it once.
 */
export function webhookBodyFor(entry: StoredTaskEvent): string {
  let body = bodies.get(entry)
  if (body === undefined) {
    body = JSON.stringify(entry.event)
    bodies.set(entry, body)
  }
  return body
}

function invalid(field: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_CONFIG_INVALID', undefined, { details: { field } })
}
