import { setMaxListeners } from 'node:events'
import { ComfyProgressError, type Timers } from '@comfy-progress/core'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { classifyWebhookAnswer, type WebhookAnswer } from './classifyWebhookAnswer.js'
import type { RetryState } from './planWebhookRetry.js'
import type { WebhookAttemptResult } from './sendWebhookRequest.js'

/** One event on its way to one endpoint. */
export interface Delivery {
  /** `webhook-id`: `<taskId>:<seq>`. */
  readonly webhookId: string
  readonly entry: StoredTaskEvent
  readonly body: string
  /** Signing keys (several during a secret rotation). */
  readonly keys: readonly Uint8Array[]
  /** The app endpoint's id, or `task` for a per-task webhook. */
  readonly endpointId: string
  readonly terminal: boolean
  /** Arrival order in the queue: the oldest is dropped first when the queue is full. */
  order: number
  attempts: number
  firstAttemptAt: number | null
  state: 'queued' | 'sending' | 'waiting'
  timer: unknown
}

/** How a delivery ended. */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'failed'; readonly status: number | null; readonly error: ComfyProgressError }
  | {
      readonly kind: 'dropped'
      readonly reason: 'superseded' | 'queue-full' | 'endpoint-gone' | 'closed'
      readonly error: ComfyProgressError | null
    }

/** What an {@link EndpointQueue} needs and whom it tells. */
export interface EndpointQueueContext {
  readonly timers: Timers
  /** Attempts in flight at once (different tasks; one task's events are always sent one by one). */
  readonly concurrency: number
  /** Undelivered events kept before progress is dropped; terminal events may exceed it up to 10×. */
  readonly maxQueued: number
  /** Sends one attempt (signing it afresh). */
  readonly send: (delivery: Delivery, signal: AbortSignal) => Promise<WebhookAttemptResult>
  /** The delay before the next attempt, `null` when the schedule is over. */
  readonly planRetry: (state: RetryState) => number | null
  readonly onAttempt: (delivery: Delivery, answer: WebhookAnswer, retryInMs: number | null) => void
  readonly onSettled: (delivery: Delivery, outcome: DeliveryOutcome) => void
  readonly onDisabled: (error: ComfyProgressError) => void
}

/** How far terminal events may overfill a full queue (they are dropped only beyond it). */
const TERMINAL_HEADROOM = 10

/**
 * The deliveries to ONE endpoint: its own queue, its own concurrency, its own timers, so that a
 * receiver that never answers holds up no other receiver. Events of one task are sent strictly one
 * after the other, in order (the next waits while the previous is retried); different tasks proceed
 * in parallel up to `concurrency`.
 *
 * Bounded: a progress event that has not been tried yet is replaced by a newer one of its task
 * (latest wins); past `maxQueued` the oldest progress event not in flight is dropped
 * (`WEBHOOK_QUEUE_FULL`); terminal events are never dropped for space until the queue holds 10×
 * `maxQueued`. A `Retry-After` pauses the whole endpoint; 410 disables it for good and drops its
 * queue (`WEBHOOK_ENDPOINT_GONE`).
 */
export class EndpointQueue {
  readonly #context: EndpointQueueContext
  readonly #tasks = new Map<string, Delivery[]>()
  /** Tasks whose first delivery is `queued` (ready to send), in the order they became ready. */
  readonly #ready = new Set<string>()
  readonly #abort = new AbortController()
  readonly #attempts = new Set<Promise<void>>()
  #size = 0
  #inFlight = 0
  #order = 0
  #pausedUntil = 0
  #pauseTimer: unknown = null
  #disabled: ComfyProgressError | null = null
  #closed = false

  constructor(context: EndpointQueueContext) {
    this.#context = context
    // Each attempt in flight listens to the one signal (node:http removes its listener when the
    // request ends): allow `concurrency` of them without Node's leak warning.
    setMaxListeners(Math.max(10, context.concurrency + 1), this.#abort.signal)
  }

  /** Undelivered events, in flight included. */
  get size(): number {
    return this.#size
  }

  /** Why the endpoint is disabled (410 Gone), or `null`. */
  get disabled(): ComfyProgressError | null {
    return this.#disabled
  }

  /** Queues a delivery (or settles it at once as dropped, with the reason). */
  enqueue(delivery: Delivery): void {
    if (this.#closed) return this.#drop(delivery, 'closed', closedError())
    if (this.#disabled !== null) return this.#drop(delivery, 'endpoint-gone', this.#disabled)
    const taskId = delivery.entry.taskId
    const fifo = this.#tasks.get(taskId) ?? []
    const tail = fifo.at(-1)
    if (
      !delivery.terminal &&
      tail !== undefined &&
      tail.state === 'queued' &&
      !tail.terminal &&
      tail.entry.event.status === delivery.entry.event.status
    ) {
      delivery.order = tail.order
      fifo[fifo.length - 1] = delivery
      return this.#drop(tail, 'superseded', null)
    }
    if (this.#size >= this.#context.maxQueued && !this.#dropOldestProgress()) {
      if (!delivery.terminal || this.#size >= this.#context.maxQueued * TERMINAL_HEADROOM) {
        return this.#drop(delivery, 'queue-full', queueFull(this.#context.maxQueued))
      }
    }
    delivery.order = ++this.#order
    fifo.push(delivery)
    this.#tasks.set(taskId, fifo)
    this.#size++
    if (fifo.length === 1) this.#ready.add(taskId)
    this.#pump()
  }

  /** Stops everything: aborts attempts in flight, cancels timers, drops what is queued. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#abort.abort()
    this.#clearPause()
    for (const fifo of [...this.#tasks.values()]) {
      for (const d of [...fifo]) if (d.state !== 'sending') this.#discard(d, 'closed', closedError())
    }
    await Promise.all(this.#attempts)
  }

  #pump(): void {
    if (this.#closed || this.#disabled !== null) return
    const { timers, concurrency } = this.#context
    const wait = this.#pausedUntil - timers.now()
    if (wait > 0) {
      this.#pauseTimer ??= timers.setTimeout(() => {
        this.#pauseTimer = null
        this.#pump()
      }, wait)
      return
    }
    while (this.#inFlight < concurrency && this.#ready.size > 0) {
      const taskId = this.#ready.values().next().value as string
      this.#ready.delete(taskId)
      const head = this.#tasks.get(taskId)?.[0]
      if (head === undefined || head.state !== 'queued') continue
      const attempt = this.#attempt(head)
      this.#attempts.add(attempt)
      void attempt.finally(() => this.#attempts.delete(attempt))
    }
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const { timers } = this.#context
    delivery.state = 'sending'
    delivery.attempts++
    delivery.firstAttemptAt ??= timers.now()
    this.#inFlight++
    const result = await this.#context
      .send(delivery, this.#abort.signal)
      .catch((error: unknown): WebhookAttemptResult => ({
        ok: false,
        error: new ComfyProgressError('WEBHOOK_DELIVERY_FAILED', undefined, {
          cause: error,
          details: { status: null, reason: 'request' },
        }),
      }))
    this.#inFlight--
    if (this.#closed) return this.#discard(delivery, 'closed', closedError())
    const now = timers.now()
    const answer = classifyWebhookAnswer(result, now)
    let retryInMs: number | null = null
    if (answer.kind === 'retry') {
      if (answer.retryAfterMs !== null)
        this.#pausedUntil = Math.max(this.#pausedUntil, now + answer.retryAfterMs)
      retryInMs = this.#context.planRetry({
        attempts: delivery.attempts,
        firstAttemptAt: delivery.firstAttemptAt,
        now,
        retryAfterMs: answer.retryAfterMs,
      })
    }
    this.#context.onAttempt(delivery, answer, retryInMs)
    switch (answer.kind) {
      case 'delivered':
        this.#settleHead(delivery, { kind: 'delivered', status: answer.status })
        break
      case 'failed':
        this.#settleHead(delivery, { kind: 'failed', status: answer.status, error: answer.error })
        break
      case 'gone':
        this.#settleHead(delivery, { kind: 'failed', status: answer.status, error: answer.error })
        this.disable(answer.error)
        break
      case 'retry':
        if (retryInMs === null || this.#disabled !== null) {
          this.#settleHead(delivery, { kind: 'failed', status: answer.status, error: answer.error })
        } else {
          delivery.state = 'waiting'
          delivery.timer = timers.setTimeout(() => {
            delivery.timer = null
            delivery.state = 'queued'
            this.#ready.add(delivery.entry.taskId)
            this.#pump()
          }, retryInMs)
        }
        break
    }
    this.#pump()
  }

  /** Removes a task's first delivery after its last attempt and readies the next one. */
  #settleHead(delivery: Delivery, outcome: DeliveryOutcome): void {
    this.#remove(delivery)
    this.#context.onSettled(delivery, outcome)
  }

  /** Drops the oldest event that is neither terminal nor in flight; `false` if there is none. */
  #dropOldestProgress(): boolean {
    let oldest: Delivery | null = null
    for (const fifo of this.#tasks.values()) {
      for (const d of fifo) {
        if (!d.terminal && d.state !== 'sending' && (oldest === null || d.order < oldest.order)) oldest = d
      }
    }
    if (oldest === null) return false
    this.#discard(oldest, 'queue-full', queueFull(this.#context.maxQueued))
    return true
  }

  /** Disables the endpoint for good (410 Gone): drops the queue; later events are dropped at once. */
  disable(error: ComfyProgressError): void {
    if (this.#disabled !== null) return
    this.#disabled = error
    this.#clearPause()
    for (const fifo of [...this.#tasks.values()]) {
      for (const d of [...fifo]) if (d.state !== 'sending') this.#discard(d, 'endpoint-gone', error)
    }
    this.#context.onDisabled(error)
  }

  #discard(
    delivery: Delivery,
    reason: 'queue-full' | 'endpoint-gone' | 'closed',
    error: ComfyProgressError,
  ): void {
    if (delivery.timer !== null) this.#context.timers.clearTimeout(delivery.timer)
    delivery.timer = null
    this.#remove(delivery)
    this.#drop(delivery, reason, error)
  }

  #remove(delivery: Delivery): void {
    const taskId = delivery.entry.taskId
    const fifo = this.#tasks.get(taskId)
    const index = fifo?.indexOf(delivery) ?? -1
    if (fifo === undefined || index === -1) return
    fifo.splice(index, 1)
    this.#size--
    if (fifo.length === 0) {
      this.#tasks.delete(taskId)
      this.#ready.delete(taskId)
    } else if (index === 0 && fifo[0]?.state === 'queued') {
      this.#ready.add(taskId)
    }
  }

  #drop(
    delivery: Delivery,
    reason: 'superseded' | 'queue-full' | 'endpoint-gone' | 'closed',
    error: ComfyProgressError | null,
  ): void {
    this.#context.onSettled(delivery, { kind: 'dropped', reason, error })
  }

  #clearPause(): void {
    if (this.#pauseTimer !== null) this.#context.timers.clearTimeout(this.#pauseTimer)
    this.#pauseTimer = null
  }
}

function closedError(): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_DISPATCHER_CLOSED')
}

function queueFull(limit: number): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_QUEUE_FULL', undefined, { details: { limit } })
}
