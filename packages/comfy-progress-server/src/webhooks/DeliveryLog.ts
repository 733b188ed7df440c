import type { ComfyProgressErrorCode } from '@comfy-progress/core'
import type { WebhookEndpointDeliveries, WebhookTaskDeliveries } from './WebhookDispatcherEvents.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Per task and endpoint counters of webhook deliveries (what `getDeliveries` returns). Bounded: at
 * most `maxTasks` tasks are remembered, the oldest forgotten first.
 */
export class DeliveryLog {
  readonly #tasks = new Map<string, Map<string, Mutable<WebhookEndpointDeliveries>>>()
  readonly #maxTasks: number

  constructor(maxTasks: number) {
    this.#maxTasks = maxTasks
  }

  /** An event of `taskId` was queued for an endpoint. */
  queued(taskId: string, endpoint: { endpointId: string; url: URL }): void {
    this.#record(taskId, endpoint).pending++
  }

  /** An attempt ended. */
  attempted(
    taskId: string,
    endpoint: { endpointId: string; url: URL },
    result: { httpStatus: number | null; error: ComfyProgressErrorCode | null; at: number },
  ): void {
    const record = this.#record(taskId, endpoint)
    record.attempts++
    record.lastHttpStatus = result.httpStatus
    if (result.error !== null) record.lastError = result.error
    record.lastAttemptAt = new Date(result.at).toISOString()
  }

  /** A queued event's delivery ended; `superseded` ones just leave the pending count. */
  settled(
    taskId: string,
    endpoint: { endpointId: string; url: URL },
    result: {
      outcome: 'delivered' | 'failed' | 'dropped' | 'superseded'
      error: ComfyProgressErrorCode | null
    },
  ): void {
    const { outcome, error } = result
    const record = this.#record(taskId, endpoint)
    record.pending = Math.max(0, record.pending - 1)
    if (outcome !== 'superseded') record[outcome]++
    if (error !== null) record.lastError = error
    record.state =
      record.pending > 0 ? 'pending' : record.failed + record.dropped > 0 ? 'failed' : 'delivered'
  }

  /** The summary of a task, `undefined` if it had no webhook or was forgotten. */
  get(taskId: string): WebhookTaskDeliveries | undefined {
    const endpoints = this.#tasks.get(taskId)
    if (endpoints === undefined) return undefined
    return { taskId, endpoints: [...endpoints.values()].map((e) => ({ ...e })) }
  }

  #record(taskId: string, endpoint: { endpointId: string; url: URL }): Mutable<WebhookEndpointDeliveries> {
    let endpoints = this.#tasks.get(taskId)
    if (endpoints === undefined) {
      if (this.#tasks.size >= this.#maxTasks) {
        const oldest = this.#tasks.keys().next().value
        if (oldest !== undefined) this.#tasks.delete(oldest)
      }
      endpoints = new Map()
      this.#tasks.set(taskId, endpoints)
    }
    const key = `${endpoint.endpointId} ${endpoint.url.href}`
    let record = endpoints.get(key)
    if (record === undefined) {
      record = {
        endpointId: endpoint.endpointId,
        origin: endpoint.url.origin,
        state: 'pending',
        attempts: 0,
        delivered: 0,
        failed: 0,
        dropped: 0,
        pending: 0,
        lastHttpStatus: null,
        lastError: null,
        lastAttemptAt: null,
      }
      endpoints.set(key, record)
    }
    return record
  }
}
