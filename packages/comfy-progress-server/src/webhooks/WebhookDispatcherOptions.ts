import type { Timers } from '@comfy-progress/core'
import type { EventBus } from '../store/EventBus.js'
import type { WebhookResolver } from './createGuardedLookup.js'
import type { WebhookEndpointConfig } from './parseWebhookConfig.js'
import type { WebhookRetryOptions } from './planWebhookRetry.js'
import type { WebhookSecretInput } from './webhookSecret.js'

/** The defaults of {@link WebhookDispatcherOptions}. */
export const webhookDispatcherDefaults = Object.freeze({
  timeoutMs: 15_000,
  throttleMs: 500,
  maxQueuedEvents: 1000,
  concurrency: 4,
  maxTrackedTasks: 10_000,
  userAgent: 'comfy-progress-webhooks',
})

/** Per-task webhooks (`webhook` in a generate body): off unless the app sets this. */
export interface TaskWebhooksOptions {
  /**
   * Signs per-task webhooks whose request gives no `secret` of its own. Without it, every per-task
   * webhook must bring its own secret.
   * @default undefined
   */
  readonly secret?: WebhookSecretInput
}

/** Options of `WebhookDispatcher`. All are optional. */
export interface WebhookDispatcherOptions {
  /**
   * Where task events are published (the TaskManager's bus). `watch` subscribes to it.
   * @default undefined (pass `bus` to `watch` instead)
   */
  readonly bus?: EventBus
  /**
   * Endpoints that receive the events of EVERY watched task.
   * @default []
   */
  readonly endpoints?: readonly WebhookEndpointConfig[]
  /**
   * Enables per-task webhooks (`webhook: {url, events?, secret?}` in a generate body). Anyone who may
   * create a task may then make this server POST to a URL of their choice: the SSRF guard applies.
   * @default undefined (per-task webhooks are refused with `WEBHOOKS_DISABLED`)
   */
  readonly taskWebhooks?: TaskWebhooksOptions
  /**
   * Host names, IP addresses and CIDR ranges the SSRF guard lets through although they are not public
   * (an intranet receiver; `127.0.0.1` in tests). Everything else that is loopback, private,
   * link-local, multicast or otherwise non-public is refused, before and at connect time.
   * @default []
   */
  readonly allow?: readonly string[]
  /**
   * Resolves host names for the connect-time guard.
   * @default the operating system's resolver (`dns.promises.lookup`)
   */
  readonly resolve?: WebhookResolver
  /**
   * Time for one attempt (connect, send, complete answer), in ms.
   * @default 15000
   */
  readonly timeoutMs?: number
  /**
   * Least time between two webhooks of a task with the same status, in ms: 500 is at most 2 progress
   * events a second (latest wins; status changes and terminal events are never held back).
   * @default 500
   */
  readonly throttleMs?: number
  /**
   * The retry schedule of one event.
   * @default webhookRetryDefaults
   */
  readonly retry?: WebhookRetryOptions
  /**
   * Undelivered events kept per endpoint. Past it the oldest progress event is dropped; terminal
   * events are kept up to 10× this number.
   * @default 1000
   */
  readonly maxQueuedEvents?: number
  /**
   * Attempts in flight at once per endpoint (events of one task always go one at a time, in order).
   * @default 4
   */
  readonly concurrency?: number
  /**
   * Tasks whose delivery summary `getDeliveries` remembers (oldest forgotten first).
   * @default 10000
   */
  readonly maxTrackedTasks?: number
  /**
   * The `User-Agent` of deliveries.
   * @default 'comfy-progress-webhooks'
   */
  readonly userAgent?: string
  /**
   * Timers and clock (throttle, retries, timeouts, `webhook-timestamp`).
   * @default globalTimers (core)
   */
  readonly timers?: Timers
  /**
   * Randomness of the backoff jitter, in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number
}
