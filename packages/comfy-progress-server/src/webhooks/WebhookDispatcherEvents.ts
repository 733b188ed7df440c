/**
 * The events of `WebhookDispatcher`, as one type map (eventemitter3 style: event name → argument
 * tuple), and the per-task delivery summary. Types only.
 *
 * @module
 */
import type { ComfyProgressError, ComfyProgressErrorCode, TaskStatus } from '@comfy-progress/core'

/** Which event is on its way where. */
export interface WebhookDeliveryRef {
  /** `webhook-id`: `<taskId>:<seq>`, the same on every attempt. */
  readonly webhookId: string
  readonly taskId: string
  /** The event's per-task sequence number (also the `webhook-sequence` header). */
  readonly seq: number
  /** The task event's status. */
  readonly eventStatus: TaskStatus
  /** The app endpoint's id, or `task` for a per-task webhook. */
  readonly endpointId: string
  /** The full URL. For the app's own logs: it may hold a token, never show it to browsers. */
  readonly url: string
}

/** One attempt ended. */
export interface WebhookAttemptInfo extends WebhookDeliveryRef {
  /** 1 for the first attempt. */
  readonly attempt: number
  /**
   * `delivered` (2xx); `retry` (another attempt follows in `retryInMs`); `failed` (no attempt follows:
   * a permanent failure, or the retry schedule is over); `gone` (410, the endpoint is now disabled).
   */
  readonly outcome: 'delivered' | 'retry' | 'failed' | 'gone'
  /** The receiver's status, `null` without an HTTP answer (network error, timeout, refused address). */
  readonly httpStatus: number | null
  readonly error: ComfyProgressError | null
  /** Ms until the next attempt when `outcome` is `retry`, otherwise `null`. */
  readonly retryInMs: number | null
}

/** An event's delivery to one endpoint ended. */
export interface WebhookSettledInfo extends WebhookDeliveryRef {
  readonly outcome: 'delivered' | 'failed' | 'dropped'
  /** Attempts made. */
  readonly attempts: number
  readonly httpStatus: number | null
  /** Why it failed or was dropped (`WEBHOOK_QUEUE_FULL`, `WEBHOOK_ENDPOINT_GONE`…), `null` if delivered. */
  readonly error: ComfyProgressError | null
}

/** An endpoint answered 410 Gone and receives nothing more. */
export interface WebhookEndpointDisabledInfo {
  readonly endpointId: string
  readonly url: string
  readonly error: ComfyProgressError
}

/** Events of `WebhookDispatcher`. Subscribe with `dispatcher.on(name, listener)`, which returns an unsubscribe function. */
export interface WebhookDispatcherEvents {
  /** Every attempt, with its outcome. */
  attempt: [info: WebhookAttemptInfo]
  /** An event reached an endpoint (2xx). */
  delivered: [info: WebhookSettledInfo]
  /** An event will never reach an endpoint: a permanent failure or the retry schedule ran out. */
  failed: [info: WebhookSettledInfo]
  /**
   * An event was dropped without (more) attempts: its endpoint's queue was full, the endpoint is gone,
   * or the dispatcher closed. Progress superseded by a newer event of its task is not reported.
   */
  dropped: [info: WebhookSettledInfo]
  /** An endpoint answered 410 Gone; its queue was dropped and it receives nothing more. */
  endpointDisabled: [info: WebhookEndpointDisabledInfo]
}

/** One endpoint's deliveries of one task, for the task's status. */
export interface WebhookEndpointDeliveries {
  readonly endpointId: string
  /** Scheme, host and port only: paths and queries may hold tokens. */
  readonly origin: string
  /** `pending` while an event is queued or being retried; then `failed` if any event failed or was dropped, else `delivered`. */
  readonly state: 'pending' | 'delivered' | 'failed'
  /** HTTP attempts made, retries included. */
  readonly attempts: number
  /** Events delivered, failed, dropped, still pending. */
  readonly delivered: number
  readonly failed: number
  readonly dropped: number
  readonly pending: number
  /** The last answer's HTTP status, `null` before any or without one. */
  readonly lastHttpStatus: number | null
  /** The last failure's code, `null` if none. */
  readonly lastError: ComfyProgressErrorCode | null
  /** When the last attempt ended, ISO 8601, `null` before any. */
  readonly lastAttemptAt: string | null
}

/** The webhook deliveries of one task: one entry per endpoint that received (or should receive) its events. */
export interface WebhookTaskDeliveries {
  readonly taskId: string
  readonly endpoints: readonly WebhookEndpointDeliveries[]
}
