/* eslint-disable @typescript-eslint/require-await -- the EventBus interface is asynchronous (a shared bus needs it), and `async` turns every throw into a rejection. */
import type { EventBus, TaskEventListener, Unsubscribe } from './EventBus.js'
import type { StoredTaskEvent } from './TaskStore.js'

/** Options of {@link MemoryEventBus}. */
export interface MemoryEventBusOptions {
  /**
   * Called when a listener throws; the other listeners still receive the event.
   * @default reports the error with `console.error`
   */
  readonly onListenerError?: (error: unknown, entry: StoredTaskEvent) => void
}

interface Subscription {
  readonly listener: TaskEventListener
}

/**
 * The default {@link EventBus}: subscribers of this process only. A publish walks the task's set of
 * subscriptions once and hands each the same entry object: O(1) work and no allocation per subscriber.
 * For several server instances use a shared bus (Redis) instead.
 *
 * @example
 * ```ts
 * const bus = new MemoryEventBus()
 * const unsubscribe = await bus.subscribe(taskId, (entry) => console.log(entry.seq, entry.event.status))
 * await bus.publish(await store.append(taskId, event))
 * unsubscribe()
 * ```
 */
export class MemoryEventBus implements EventBus {
  readonly #topics = new Map<string, Set<Subscription>>()
  readonly #onListenerError: (error: unknown, entry: StoredTaskEvent) => void

  constructor(options: MemoryEventBusOptions = {}) {
    this.#onListenerError = options.onListenerError ?? reportListenerError
  }

  async publish(entry: StoredTaskEvent): Promise<void> {
    const subscriptions = this.#topics.get(entry.taskId)
    if (subscriptions === undefined) return
    for (const subscription of subscriptions) {
      try {
        subscription.listener(entry)
      } catch (error) {
        this.#onListenerError(error, entry)
      }
    }
  }

  async subscribe(taskId: string, listener: TaskEventListener): Promise<Unsubscribe> {
    let subscriptions = this.#topics.get(taskId)
    if (subscriptions === undefined) {
      subscriptions = new Set()
      this.#topics.set(taskId, subscriptions)
    }
    // One object per subscription, so that the same function subscribed twice is two subscriptions.
    const subscription: Subscription = { listener }
    subscriptions.add(subscription)
    const topic = subscriptions
    return () => {
      if (!topic.delete(subscription)) return
      if (topic.size === 0 && this.#topics.get(taskId) === topic) this.#topics.delete(taskId)
    }
  }

  subscriberCount(taskId: string): number {
    return this.#topics.get(taskId)?.size ?? 0
  }
}

function reportListenerError(error: unknown, entry: StoredTaskEvent): void {
  console.error(`comfy-progress: an event bus listener of task ${entry.taskId} threw`, error)
}
