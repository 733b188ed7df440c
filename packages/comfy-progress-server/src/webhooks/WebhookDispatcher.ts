import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { ComfyProgressError, globalTimers, type Timers } from '@comfy-progress/core'
import type { EventBus, Unsubscribe } from '../store/EventBus.js'
import type { StoredTaskEvent, TaskStore } from '../store/TaskStore.js'
import { isTerminalEvent } from '../tasks/isTerminalEvent.js'
import { type AddressPolicy, createAddressPolicy } from './addressPolicy.js'
import { createGuardedLookup } from './createGuardedLookup.js'
import { DeliveryReporter } from './DeliveryReporter.js'
import { type Delivery, EndpointQueue } from './EndpointQueue.js'
import { parseEndpointConfig, parseTaskWebhook, type WebhookTarget } from './parseWebhookConfig.js'
import { planWebhookRetry } from './planWebhookRetry.js'
import { ProgressThrottle } from './ProgressThrottle.js'
import { sendWebhookRequest } from './sendWebhookRequest.js'
import { signWebhookWithKeys, webhookBodyFor, webhookIdFor } from './signWebhook.js'
import type { WebhookDispatcherEvents, WebhookTaskDeliveries } from './WebhookDispatcherEvents.js'
import type { WebhookDispatcherOptions } from './WebhookDispatcherOptions.js'
import { type DispatcherSettings, resolveDispatcherSettings } from './resolveDispatcherSettings.js'
import { decodeWebhookSecrets } from './webhookSecret.js'

/** Options of {@link WebhookDispatcher.watch}. */
export interface WatchTaskOptions {
  /**
   * The task's own webhook: `{url, events?, secret?}` as a generate body gives it (checked here), or
   * the result of {@link WebhookDispatcher.prepareTaskWebhook}.
   * @default undefined (only the app's endpoints)
   */
  readonly webhook?: unknown
  /**
   * The bus the task's events are published on.
   * @default the dispatcher's `bus` option
   */
  readonly bus?: EventBus
  /**
   * Also deliver the events the task already has: after subscribing, the events of `store` with a
   * sequence number above `afterSeq` (all for 0) go first, then the live ones, each once and in
   * order (through the throttle like live events). For a watch that starts late: a task taken over
   * from another instance, or an app that attaches webhooks after `create`. Receivers de-duplicate
   * by `webhook-id`, so replaying an event they already got is harmless.
   * @default undefined (live events only: watch before the first event is published)
   */
  readonly replay?: { readonly store: Pick<TaskStore, 'eventsAfter'>; readonly afterSeq?: number }
}

/** A per-task webhook checked by {@link WebhookDispatcher.prepareTaskWebhook}; pass it to `watch`. */
export type PreparedTaskWebhook = Readonly<WebhookTarget>

interface Binding {
  readonly target: WebhookTarget
  readonly queue: EndpointQueue
}

interface TaskWatch {
  readonly taskId: string
  readonly throttle: ProgressThrottle
  readonly bindings: readonly Binding[]
  unsubscribe: Unsubscribe | null
  ended: boolean
}

const MAX_GONE_URLS = 1024

/**
 * Delivers task events to other servers as signed webhooks (Standard Webhooks: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, plus `webhook-sequence`), reliably and safely:
 *
 * - **What**: the body is the task event exactly as the SSE stream carries it; `webhook-id` is
 *   `<taskId>:<seq>`, the same on every retry (receivers de-duplicate by it).
 * - **Where**: the app's `endpoints` get every watched task's events; a task may bring its own
 *   `webhook` when `taskWebhooks` is enabled. Each endpoint may filter statuses (`events`).
 * - **Throttle**: per task, at most one event of a repeated status per `throttleMs` (2 progress events
 *   a second), latest wins; status changes and terminal events go at once.
 * - **Order**: a task's events reach an endpoint one at a time, in order.
 * - **Retries**: timeouts (15 s), network errors, 408, 429 and 5xx, with core's backoff and jitter,
 *   honouring `Retry-After`, for at most 10 attempts / 30 minutes. Redirects are never followed;
 *   other 4xx fail at once; 410 disables the endpoint.
 * - **Isolation and memory**: each endpoint has its own bounded queue and concurrency; a receiver
 *   that never answers holds up no other.
 * - **SSRF**: only http(s) URLs without credentials; the address is checked when the socket connects,
 *   after DNS, against every non-public range, unless `allow`listed.
 *
 * Attach it to tasks with {@link WebhookDispatcher.watch} before their first event is published.
 *
 * @example
 * ```ts
 * const webhooks = new WebhookDispatcher({
 *   bus: tasks.bus,
 *   endpoints: [{ url: 'https://bot.example.com/comfy', secret: process.env.WEBHOOK_SECRET! }],
 * })
 * webhooks.on('failed', (info) => console.warn(info.webhookId, info.error?.code))
 * await webhooks.watch(taskId)
 * ```
 */
export class WebhookDispatcher {
  readonly #reporter: DeliveryReporter
  readonly #options: WebhookDispatcherOptions
  readonly #settings: DispatcherSettings
  readonly #timers: Timers
  readonly #random: () => number
  readonly #policy: AddressPolicy
  readonly #agents: { readonly http: HttpAgent; readonly https: HttpsAgent }
  readonly #app: readonly Binding[]
  readonly #taskQueues = new Map<string, { queue: EndpointQueue; users: number }>()
  readonly #goneTaskUrls = new Set<string>()
  readonly #watches = new Map<string, TaskWatch>()
  readonly #prepared = new WeakSet<object>()
  /** Deliveries not settled yet, per task. */
  readonly #unsettled = new Map<string, number>()
  /** Who waits in {@link settled}, per task. */
  readonly #settleWaiters = new Map<string, ((settled: boolean) => void)[]>()
  #closed = false

  /** Throws `WEBHOOK_CONFIG_INVALID`, `WEBHOOK_URL_*` or `WEBHOOK_SECRET_INVALID` for bad options. */
  constructor(options: WebhookDispatcherOptions = {}) {
    this.#options = options
    this.#settings = resolveDispatcherSettings(options)
    this.#timers = options.timers ?? globalTimers
    this.#random = options.random ?? Math.random
    this.#reporter = new DeliveryReporter({
      maxTrackedTasks: this.#settings.maxTrackedTasks,
      now: () => this.#timers.now(),
    })
    this.#policy = createAddressPolicy(options.allow ?? [])
    if (options.taskWebhooks?.secret !== undefined) decodeWebhookSecrets(options.taskWebhooks.secret)
    const endpoints: readonly unknown[] = options.endpoints ?? []
    if (!Array.isArray(endpoints)) throw invalid('endpoints')
    const targets = endpoints.map((endpoint, i) => parseEndpointConfig(endpoint, i, this.#policy))
    if (new Set(targets.map((t) => t.endpointId)).size !== targets.length) throw invalid('endpoints.id')
    const lookup = createGuardedLookup(this.#policy, options.resolve)
    this.#agents = {
      http: new HttpAgent({ keepAlive: true, lookup }),
      https: new HttpsAgent({ keepAlive: true, lookup }),
    }
    this.#app = targets.map((target) => ({
      target,
      queue: this.#createQueue(target.url, target.endpointId, null),
    }))
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<TEvent extends keyof WebhookDispatcherEvents>(
    event: TEvent,
    listener: (...args: WebhookDispatcherEvents[TEvent]) => void,
  ): () => void {
    return this.#reporter.on(event, listener)
  }

  /** Whether generate requests may bring their own `webhook`. */
  get taskWebhooksEnabled(): boolean {
    return this.#options.taskWebhooks !== undefined
  }

  /**
   * Checks a per-task webhook before the task is created, so that a bad one is refused with the
   * request: `WEBHOOKS_DISABLED` (the app has not enabled them), `WEBHOOK_CONFIG_INVALID` (naming the
   * field), `WEBHOOK_URL_INVALID`, `WEBHOOK_URL_FORBIDDEN` (a literal non-public address),
   * `WEBHOOK_SECRET_INVALID`, `WEBHOOK_DISPATCHER_CLOSED`. Host names are checked later, when the
   * delivery connects. Pass the result to `watch`.
   */
  prepareTaskWebhook(value: unknown): PreparedTaskWebhook {
    if (this.#closed) throw new ComfyProgressError('WEBHOOK_DISPATCHER_CLOSED')
    const options = this.#options.taskWebhooks
    if (options === undefined) throw new ComfyProgressError('WEBHOOKS_DISABLED')
    const target = Object.freeze(parseTaskWebhook(value, this.#policy, options.secret))
    this.#prepared.add(target)
    return target
  }

  /**
   * Delivers the events of `taskId` published on the bus from now on, to the app's endpoints and to
   * the task's own webhook, until the task's terminal event. Call it after the task is created and
   * before its first event is published. Resolves with a function that stops watching early. Rejects
   * like {@link prepareTaskWebhook}, and with `TASK_ID_CONFLICT` if the task is already watched.
   */
  async watch(taskId: string, options: WatchTaskOptions = {}): Promise<Unsubscribe> {
    if (this.#closed) throw new ComfyProgressError('WEBHOOK_DISPATCHER_CLOSED')
    const own = options.webhook === undefined ? null : this.#target(options.webhook)
    const bus = options.bus ?? this.#options.bus
    if (bus === undefined) throw invalid('bus')
    if (this.#watches.has(taskId)) {
      throw new ComfyProgressError('TASK_ID_CONFLICT', undefined, { details: { taskId } })
    }
    if (own === null && this.#app.length === 0) return () => undefined
    const bindings =
      own === null ? this.#app : [...this.#app, { target: own, queue: this.#acquireTaskQueue(own.url) }]
    const watch: TaskWatch = {
      taskId,
      bindings,
      unsubscribe: null,
      ended: false,
      throttle: new ProgressThrottle({
        intervalMs: this.#settings.throttleMs,
        timers: this.#timers,
        emit: (entry) => this.#fanOut(watch, entry),
      }),
    }
    this.#watches.set(taskId, watch)
    try {
      // Subscribe first, read the store second: nothing falls between the two (EventBus contract).
      let lastSeq = options.replay?.afterSeq ?? 0
      let buffered: StoredTaskEvent[] | null = options.replay === undefined ? null : []
      const push = (entry: StoredTaskEvent) => {
        if (entry.seq <= lastSeq) return
        lastSeq = entry.seq
        watch.throttle.push(entry)
      }
      const unsubscribe = await bus.subscribe(taskId, (entry) =>
        buffered === null ? push(entry) : buffered.push(entry),
      )
      if (watch.ended) unsubscribe()
      else watch.unsubscribe = unsubscribe
      if (options.replay !== undefined) {
        const missed = await options.replay.store.eventsAfter(taskId, lastSeq)
        for (const entry of [...missed, ...(buffered ?? [])]) push(entry)
        buffered = null
      }
    } catch (error) {
      this.#endWatch(watch)
      throw error
    }
    return () => this.#endWatch(watch)
  }

  /**
   * The webhook deliveries of a task, per endpoint: attempts, events delivered, failed, dropped and
   * pending, the last HTTP status and error code. `undefined` for a task without webhooks (or one
   * forgotten: the dispatcher remembers the last `maxTrackedTasks`). Origins only, never full URLs,
   * so the summary may be shown with the task's status.
   */
  getDeliveries(taskId: string): WebhookTaskDeliveries | undefined {
    return this.#reporter.deliveries(taskId)
  }

  /**
   * Resolves once the task's watch has ended (its terminal event came) and each of its deliveries has
   * settled: delivered, failed for good, or dropped (superseded, queue full, endpoint gone). At once
   * for a task that is not watched. Resolves `false` if the dispatcher closes first (deliveries were
   * still owed): several server instances keep a task's lease until then, so that another instance
   * delivers its terminal event should this one die.
   */
  settled(taskId: string): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false)
    if (this.#isSettled(taskId)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const waiters = this.#settleWaiters.get(taskId) ?? []
      waiters.push(resolve)
      this.#settleWaiters.set(taskId, waiters)
    })
  }

  /**
   * Stops everything: unsubscribes from every task, aborts attempts in flight, cancels retries and
   * drops what is queued (`dropped` events with `WEBHOOK_DISPATCHER_CLOSED`), closes idle sockets.
   * Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const waiters of this.#settleWaiters.values()) for (const resolve of waiters) resolve(false)
    this.#settleWaiters.clear()
    for (const watch of [...this.#watches.values()]) this.#endWatch(watch)
    const queues = [...this.#app.map((b) => b.queue), ...[...this.#taskQueues.values()].map((q) => q.queue)]
    await Promise.all(queues.map((queue) => queue.close()))
    this.#taskQueues.clear()
    this.#agents.http.destroy()
    this.#agents.https.destroy()
    this.#reporter.close()
  }

  #target(webhook: unknown): WebhookTarget {
    if (typeof webhook === 'object' && webhook !== null && this.#prepared.has(webhook)) {
      return webhook as WebhookTarget
    }
    return this.prepareTaskWebhook(webhook)
  }

  #fanOut(watch: TaskWatch, entry: StoredTaskEvent): void {
    const terminal = isTerminalEvent(entry.event)
    const body = webhookBodyFor(entry)
    const webhookId = webhookIdFor(entry)
    for (const { target, queue } of watch.bindings) {
      if (target.events !== null && !target.events.has(entry.event.status)) continue
      const delivery: Delivery = {
        webhookId,
        entry,
        body,
        keys: target.keys,
        endpointId: target.endpointId,
        terminal,
        order: 0,
        attempts: 0,
        firstAttemptAt: null,
        state: 'queued',
        timer: null,
      }
      this.#reporter.queued(target.url, delivery)
      this.#unsettled.set(entry.taskId, (this.#unsettled.get(entry.taskId) ?? 0) + 1)
      queue.enqueue(delivery)
    }
    if (terminal) this.#endWatch(watch)
  }

  #endWatch(watch: TaskWatch): void {
    if (watch.ended) return
    watch.ended = true
    watch.throttle.close()
    watch.unsubscribe?.()
    watch.unsubscribe = null
    if (this.#watches.get(watch.taskId) === watch) this.#watches.delete(watch.taskId)
    this.#wakeIfSettled(watch.taskId)
    for (const { target } of watch.bindings) {
      if (target.endpointId !== 'task') continue
      const shared = this.#taskQueues.get(target.url.href)
      if (shared === undefined) continue
      shared.users--
      this.#releaseIfIdle(target.url.href)
    }
  }

  #deliverySettled(taskId: string): void {
    const left = (this.#unsettled.get(taskId) ?? 1) - 1
    if (left > 0) this.#unsettled.set(taskId, left)
    else this.#unsettled.delete(taskId)
    this.#wakeIfSettled(taskId)
  }

  #isSettled(taskId: string): boolean {
    return !this.#watches.has(taskId) && !this.#unsettled.has(taskId)
  }

  #wakeIfSettled(taskId: string): void {
    if (this.#closed || !this.#isSettled(taskId)) return
    const waiters = this.#settleWaiters.get(taskId)
    if (waiters === undefined) return
    this.#settleWaiters.delete(taskId)
    for (const resolve of waiters) resolve(true)
  }

  #acquireTaskQueue(url: URL): EndpointQueue {
    let shared = this.#taskQueues.get(url.href)
    if (shared === undefined) {
      const queue = this.#createQueue(url, 'task', url.href)
      if (this.#goneTaskUrls.has(url.href)) queue.disable(gone())
      shared = { queue, users: 0 }
      this.#taskQueues.set(url.href, shared)
    }
    shared.users++
    return shared.queue
  }

  #releaseIfIdle(href: string): void {
    const shared = this.#taskQueues.get(href)
    if (shared === undefined || shared.users > 0 || shared.queue.size > 0) return
    this.#taskQueues.delete(href)
    void shared.queue.close()
  }

  /** An endpoint's queue; `taskKey` is the URL of a per-task webhook's shared queue, `null` for an app endpoint. */
  #createQueue(url: URL, endpointId: string, taskKey: string | null): EndpointQueue {
    return new EndpointQueue({
      timers: this.#timers,
      concurrency: this.#settings.concurrency,
      maxQueued: this.#settings.maxQueuedEvents,
      send: (delivery, signal) => this.#send(url, delivery, signal),
      planRetry: (state) => planWebhookRetry(state, this.#options.retry, this.#random),
      onAttempt: (delivery, answer, retryInMs) =>
        this.#reporter.attempted(url, delivery, { answer, retryInMs }),
      onSettled: (delivery, outcome) => {
        this.#reporter.settled(url, delivery, outcome)
        this.#deliverySettled(delivery.entry.taskId)
        if (taskKey !== null && !this.#closed) this.#releaseIfIdle(taskKey)
      },
      onDisabled: (error) => {
        if (taskKey !== null) this.#rememberGone(taskKey)
        this.#reporter.disabled(url, endpointId, error)
      },
    })
  }

  #send(url: URL, delivery: Delivery, signal: AbortSignal) {
    const timestamp = Math.floor(this.#timers.now() / 1000)
    const signature = signWebhookWithKeys(delivery.keys, {
      id: delivery.webhookId,
      timestamp,
      body: delivery.body,
    })
    return sendWebhookRequest({
      url,
      body: delivery.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': this.#settings.userAgent,
        ...signature,
        'webhook-sequence': String(delivery.entry.seq),
      },
      timeoutMs: this.#settings.timeoutMs,
      agents: this.#agents,
      timers: this.#timers,
      signal,
    })
  }

  #rememberGone(href: string): void {
    this.#goneTaskUrls.add(href)
    if (this.#goneTaskUrls.size > MAX_GONE_URLS) {
      const oldest = this.#goneTaskUrls.values().next().value
      if (oldest !== undefined) this.#goneTaskUrls.delete(oldest)
    }
  }
}

function invalid(field: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_CONFIG_INVALID', undefined, { details: { field } })
}

function gone(): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_ENDPOINT_GONE')
}
