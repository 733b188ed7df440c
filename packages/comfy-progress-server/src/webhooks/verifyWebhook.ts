import { timingSafeEqual } from 'node:crypto'
import { ComfyProgressError, parseTaskEvent, type TaskEvent } from '@comfy-progress/core'
import { computeWebhookSignature } from './signWebhook.js'
import { decodeWebhookSecrets, type WebhookSecretInput } from './webhookSecret.js'

/** The defaults of {@link VerifyWebhookOptions}. */
export const verifyWebhookDefaults = Object.freeze({ toleranceSeconds: 300 })

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The endpoint's `whsec_…` secret, or several during a rotation: a message signed by any is accepted. */
  readonly secret: WebhookSecretInput
  /**
   * How far `webhook-timestamp` may be from now, either way, in seconds: older messages are replays.
   * @default 300
   */
  readonly toleranceSeconds?: number
  /**
   * The clock, in ms since the epoch.
   * @default Date.now
   */
  readonly now?: () => number
}

/**
 * Request headers, as a web `Headers` (fetch, Hono, Next.js) or a plain object (Node's
 * `IncomingMessage.headers`, Express, Fastify). Names are matched case-insensitively.
 */
export type WebhookHeaderSource =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>

/** A webhook that passed {@link verifyWebhook}. */
export interface VerifiedWebhook {
  /** `webhook-id`: the same for every retry of one event. De-duplicate by it. */
  readonly id: string
  /** `webhook-timestamp`, in seconds since the epoch. */
  readonly timestamp: number
  /**
   * The event's per-task sequence number, read from the signed id (`<taskId>:<seq>`), `null` if the id
   * has another shape. Events of one task arrive in order; throttled progress leaves gaps.
   */
  readonly sequence: number | null
  /** The task event, validated with core's `parseTaskEvent`. */
  readonly event: TaskEvent
}

const MAX_SIGNATURES = 16
const TIMESTAMP = /^\d{1,15}$/
const COMFY_PROGRESS_ID = /^[A-Za-z0-9_-]+:(\d{1,15})$/

/**
 * Verifies a webhook sent by comfy-progress (or any Standard Webhooks sender) and returns its task
 * event. Pass the RAW body, exactly the bytes received (not a re-serialised object). Checks, in
 * order: the three headers are present (`WEBHOOK_HEADERS_MISSING`); the timestamp is within
 * ±`toleranceSeconds` of now (`WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE`); a `v1` signature matches under
 * one of the secrets, compared in constant time (`WEBHOOK_SIGNATURE_INVALID`); the body is a task
 * event (`TASK_EVENT_INVALID`). Throws a `ComfyProgressError` with that code; a malformed secret
 * throws `WEBHOOK_SECRET_INVALID`.
 *
 * @example
 * ```ts
 * const body = await request.text()
 * const { id, event } = verifyWebhook(body, request.headers, { secret: process.env.WEBHOOK_SECRET! })
 * if (!seen.has(id)) { seen.add(id); handle(event) }
 * ```
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaderSource,
  options: VerifyWebhookOptions,
): VerifiedWebhook {
  const keys = decodeWebhookSecrets(options.secret)
  const id = readHeader(headers, 'webhook-id')
  const timestampText = readHeader(headers, 'webhook-timestamp')
  const signatureText = readHeader(headers, 'webhook-signature')
  if (!TIMESTAMP.test(timestampText)) throw missing('webhook-timestamp')
  const timestamp = Number(timestampText)
  const tolerance = options.toleranceSeconds ?? verifyWebhookDefaults.toleranceSeconds
  const now = Math.floor((options.now ?? Date.now)() / 1000)
  if (Math.abs(now - timestamp) > tolerance) {
    throw new ComfyProgressError('WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE', undefined, {
      details: { timestamp, now, toleranceSeconds: tolerance },
    })
  }
  const passed = signatureText
    .split(' ')
    .slice(0, MAX_SIGNATURES)
    .flatMap((part) => (part.startsWith('v1,') ? [Buffer.from(part.slice(3), 'base64')] : []))
  const signed = { id, timestamp, body }
  const matches = keys.some((key) => {
    const expected = Buffer.from(computeWebhookSignature(key, signed), 'base64')
    return passed.some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    )
  })
  if (!matches) throw new ComfyProgressError('WEBHOOK_SIGNATURE_INVALID')
  const parsed = parseTaskEvent(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'))
  if (!parsed.ok) throw parsed.error
  const sequence = COMFY_PROGRESS_ID.exec(id)
  return { id, timestamp, sequence: sequence === null ? null : Number(sequence[1]), event: parsed.event }
}

function readHeader(headers: WebhookHeaderSource, name: string): string {
  let value: string | readonly string[] | null | undefined
  if (typeof headers.get === 'function') {
    value = (headers as { get(name: string): string | null }).get(name)
  } else {
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>
    value = record[name]
    if (value === undefined) {
      const key = Object.keys(record).find((k) => k.toLowerCase() === name)
      value = key === undefined ? undefined : record[key]
    }
  }
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : ''
  if (text === '') throw missing(name)
  return text.trim()
}

function missing(header: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_HEADERS_MISSING', undefined, { details: { header } })
}
