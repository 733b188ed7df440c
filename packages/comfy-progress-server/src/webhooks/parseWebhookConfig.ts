import { ComfyProgressError, type TaskStatus } from '@comfy-progress/core'
import type { AddressPolicy } from './addressPolicy.js'
import { checkWebhookUrl } from './validateWebhookUrl.js'
import { decodeWebhookSecrets, type WebhookSecretInput } from './webhookSecret.js'

/**
 * A status a webhook can subscribe to. `progress` is an alias of `in-progress`.
 */
export type WebhookEventFilter = TaskStatus | 'progress'

/** An endpoint the app configures: it receives the events of every task. */
export interface WebhookEndpointConfig {
  /**
   * A name for reports (`getDeliveries`, events); letters, digits, `.`, `_`, `-`, at most 64.
   * @default `endpoint-<index>`
   */
  readonly id?: string
  /** Where to POST, `http:` or `https:`; checked by the SSRF guard like any other URL. */
  readonly url: string
  /** `whsec_…`, or several during a rotation (each signs every message). */
  readonly secret: WebhookSecretInput
  /**
   * The statuses to deliver.
   * @default every status
   */
  readonly events?: readonly WebhookEventFilter[]
}

/** A webhook for one task, as a generate request supplies it (`webhook` in the body). */
export interface TaskWebhookConfig {
  /** Where to POST, `http:` or `https:`. */
  readonly url: string
  /**
   * The statuses to deliver.
   * @default every status
   */
  readonly events?: readonly WebhookEventFilter[]
  /**
   * The secret that signs this task's deliveries.
   * @default the app's `taskWebhooks.secret`
   */
  readonly secret?: string
}

/** A checked endpoint: parsed URL, decoded keys, status filter (`null`: all). */
export interface WebhookTarget {
  readonly endpointId: string
  readonly url: URL
  readonly keys: readonly Uint8Array[]
  readonly events: ReadonlySet<TaskStatus> | null
}

const STATUSES: ReadonlySet<string> = new Set<TaskStatus>([
  'queued',
  'in-progress',
  'completed',
  'error',
  'cancelled',
])
const ENDPOINT_ID = /^[A-Za-z0-9._-]{1,64}$/

/** Checks an app endpoint; throws `WEBHOOK_CONFIG_INVALID`, `WEBHOOK_URL_*` or `WEBHOOK_SECRET_INVALID`. */
export function parseEndpointConfig(value: unknown, index: number, policy: AddressPolicy): WebhookTarget {
  const field = `endpoints[${index}]`
  if (!isObject(value)) throw invalid(field)
  const id = value.id ?? `endpoint-${index}`
  if (typeof id !== 'string' || !ENDPOINT_ID.test(id)) throw invalid(`${field}.id`)
  return {
    endpointId: id,
    url: checkWebhookUrl(value.url, policy),
    keys: decodeWebhookSecrets(value.secret),
    events: parseEvents(value.events, `${field}.events`),
  }
}

/**
 * Checks a per-task webhook (untrusted input from a generate body). Throws `WEBHOOK_CONFIG_INVALID`
 * naming the field, `WEBHOOK_URL_INVALID`/`WEBHOOK_URL_FORBIDDEN`, or `WEBHOOK_SECRET_INVALID`
 * (also when neither the request nor the app gives a secret).
 */
export function parseTaskWebhook(
  value: unknown,
  policy: AddressPolicy,
  fallbackSecret: WebhookSecretInput | undefined,
): WebhookTarget {
  if (!isObject(value)) throw invalid('webhook')
  if (value.secret !== undefined && typeof value.secret !== 'string') throw invalid('webhook.secret')
  const secret = value.secret ?? fallbackSecret
  if (secret === undefined) throw new ComfyProgressError('WEBHOOK_SECRET_INVALID')
  return {
    endpointId: 'task',
    url: checkWebhookUrl(value.url, policy),
    keys: decodeWebhookSecrets(secret),
    events: parseEvents(value.events, 'webhook.events'),
  }
}

function parseEvents(value: unknown, field: string): ReadonlySet<TaskStatus> | null {
  if (value === undefined) return null
  if (!Array.isArray(value) || value.length === 0 || value.length > 8) throw invalid(field)
  const events = new Set<TaskStatus>()
  for (const item of value as unknown[]) {
    const status = item === 'progress' ? 'in-progress' : item
    if (typeof status !== 'string' || !STATUSES.has(status)) throw invalid(field)
    events.add(status as TaskStatus)
  }
  return events
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(field: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_CONFIG_INVALID', undefined, { details: { field } })
}
