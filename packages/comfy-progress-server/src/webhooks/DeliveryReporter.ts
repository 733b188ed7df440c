import type { ComfyProgressError } from '@comfy-progress/core'
import { EventEmitter } from 'eventemitter3'
import type { WebhookAnswer } from './classifyWebhookAnswer.js'
import { DeliveryLog } from './DeliveryLog.js'
import type { Delivery, DeliveryOutcome } from './EndpointQueue.js'
import type {
  WebhookDeliveryRef,
  WebhookDispatcherEvents,
  WebhookTaskDeliveries,
} from './WebhookDispatcherEvents.js'

/**
 * Where the dispatcher's queues report: turns attempts and outcomes into the typed events of
 * {@link WebhookDispatcherEvents} and into the per-task summaries of `getDeliveries`. A listener that
 * throws is reported with `console.error` and stops nothing.
 */
export class DeliveryReporter {
  readonly #emitter = new EventEmitter<WebhookDispatcherEvents>()
  readonly #log: DeliveryLog
  readonly #now: () => number

  constructor(options: { readonly maxTrackedTasks: number; readonly now: () => number }) {
    this.#log = new DeliveryLog(options.maxTrackedTasks)
    this.#now = options.now
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<TEvent extends keyof WebhookDispatcherEvents>(
    event: TEvent,
    listener: (...args: WebhookDispatcherEvents[TEvent]) => void,
  ): () => void {
    const fn = listener as EventEmitter.EventListener<WebhookDispatcherEvents, TEvent>
    this.#emitter.on(event, fn)
    return () => void this.#emitter.off(event, fn)
  }

  /** An event of a task was queued for the endpoint at `url`. */
  queued(url: URL, delivery: Pick<Delivery, 'entry' | 'endpointId'>): void {
    this.#log.queued(delivery.entry.taskId, { endpointId: delivery.endpointId, url })
  }

  /** An attempt ended; `retryInMs` is the delay before the next one, `null` if none follows. */
  attempted(url: URL, delivery: Delivery, result: { answer: WebhookAnswer; retryInMs: number | null }): void {
    const { answer, retryInMs } = result
    const error = answer.kind === 'delivered' ? null : answer.error
    this.#log.attempted(
      delivery.entry.taskId,
      { endpointId: delivery.endpointId, url },
      { httpStatus: answer.status, error: error?.code ?? null, at: this.#now() },
    )
    const outcome = answer.kind === 'retry' ? (retryInMs === null ? 'failed' : 'retry') : answer.kind
    this.#emit('attempt', {
      ...ref(url, delivery),
      attempt: delivery.attempts,
      outcome,
      httpStatus: answer.status,
      error,
      retryInMs: outcome === 'retry' ? retryInMs : null,
    })
  }

  /** A delivery ended (superseded progress only leaves the pending count, without an event). */
  settled(url: URL, delivery: Delivery, outcome: DeliveryOutcome): void {
    const superseded = outcome.kind === 'dropped' && outcome.reason === 'superseded'
    const error = outcome.kind === 'delivered' ? null : outcome.error
    this.#log.settled(
      delivery.entry.taskId,
      { endpointId: delivery.endpointId, url },
      { outcome: superseded ? 'superseded' : outcome.kind, error: error?.code ?? null },
    )
    if (superseded) return
    this.#emit(outcome.kind, {
      ...ref(url, delivery),
      outcome: outcome.kind,
      attempts: delivery.attempts,
      httpStatus: outcome.kind === 'dropped' ? null : outcome.status,
      error,
    })
  }

  /** An endpoint answered 410 Gone. */
  disabled(url: URL, endpointId: string, error: ComfyProgressError): void {
    this.#emit('endpointDisabled', { endpointId, url: url.href, error })
  }

  /** The summary of a task, `undefined` if it had no webhook or was forgotten. */
  deliveries(taskId: string): WebhookTaskDeliveries | undefined {
    return this.#log.get(taskId)
  }

  /** Removes every listener. */
  close(): void {
    this.#emitter.removeAllListeners()
  }

  #emit<TEvent extends keyof WebhookDispatcherEvents>(
    event: TEvent,
    ...args: WebhookDispatcherEvents[TEvent]
  ): void {
    const emitter = this.#emitter as unknown as {
      emit(event: TEvent, ...args: WebhookDispatcherEvents[TEvent]): boolean
    }
    try {
      emitter.emit(event, ...args)
    } catch (error) {
      console.error(`comfy-progress: a webhook "${event}" listener threw`, error)
    }
  }
}

function ref(url: URL, delivery: Delivery): WebhookDeliveryRef {
  return {
    webhookId: delivery.webhookId,
    taskId: delivery.entry.taskId,
    seq: delivery.entry.seq,
    eventStatus: delivery.entry.event.status,
    endpointId: delivery.endpointId,
    url: url.href,
  }
}
