import { randomBytes } from 'node:crypto'
import { ComfyProgressError } from '@comfy-progress/core'

/** The prefix of a Standard Webhooks secret: `whsec_` followed by the base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_'

/** Key sizes the Standard Webhooks specification recommends, in bytes. */
export const webhookSecretLimits = Object.freeze({ minBytes: 24, maxBytes: 64 })

/** One secret, or several during a rotation (every one signs; a receiver accepts any). */
export type WebhookSecretInput = string | readonly string[]

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * A new signing secret: `whsec_` and the base64 of 32 bytes from the operating system's CSPRNG.
 * Give it to the receiver once, out of band; keep it out of URLs and logs.
 *
 * @example
 * ```ts
 * const secret = createWebhookSecret() // 'whsec_q0W2…='
 * ```
 */
export function createWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`
}

/**
 * The key bytes of a `whsec_<base64>` secret. Throws `WEBHOOK_SECRET_INVALID` for anything else,
 * including keys shorter than 24 or longer than 64 bytes (the specification's range).
 *
 * @example
 * ```ts
 * const key = decodeWebhookSecret(createWebhookSecret()) // 32 bytes
 * ```
 */
export function decodeWebhookSecret(secret: unknown): Uint8Array {
  if (typeof secret !== 'string' || !secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw invalidSecret()
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length)
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) throw invalidSecret()
  const key = Buffer.from(encoded, 'base64')
  if (key.length < webhookSecretLimits.minBytes || key.length > webhookSecretLimits.maxBytes) {
    throw invalidSecret()
  }
  return new Uint8Array(key)
}

/**
 * The key bytes of one secret or of several (a rotation), newest first as given. Throws
 * `WEBHOOK_SECRET_INVALID` if the list is empty or any secret is malformed.
 */
export function decodeWebhookSecrets(secrets: unknown): readonly Uint8Array[] {
  const list: readonly unknown[] = Array.isArray(secrets) ? secrets : [secrets]
  if (list.length === 0 || list.length > 8) throw invalidSecret()
  return list.map(decodeWebhookSecret)
}

function invalidSecret(): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_SECRET_INVALID')
}
