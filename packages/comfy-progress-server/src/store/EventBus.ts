import type { StoredTaskEvent } from './TaskStore.js'

/** A listener of one task's events. Called synchronously; it must not throw and must not block. */
export type TaskEventListener = (entry: StoredTaskEvent) => void

/** Stops a subscription. Calling it again does nothing. */
export type Unsubscribe = () => void

/**
 * Carries task events from whoever appended them to the {@link TaskStore} to every subscriber of the
 * task, in this process and (for a shared bus such as Redis) in every other server instance.
 *
 * Rules every implementation keeps (checked by `test/contracts/eventBus.contract.ts`):
 * - Events of one task reach each subscriber in publish order; events of other tasks never do.
 * - Every local subscriber of a task receives the SAME entry object, so consumers may cache what they
 *   derive from it (the SSE frame is serialised once per event, not once per subscriber).
 * - `publish` never waits for a subscriber: a slow or failing listener delays no one else.
 * - `subscribe` resolves once the subscription is active: an event published after that reaches it.
 *   Callers subscribe first and read the store second, so nothing falls between the two.
 */
export interface EventBus {
  /** Delivers `entry` to every subscriber of `entry.taskId`. */
  publish(entry: StoredTaskEvent): Promise<void>
  /** Calls `listener` with every event of `taskId` published from now on. */
  subscribe(taskId: string, listener: TaskEventListener): Promise<Unsubscribe>
  /** Number of local subscribers of `taskId`, for health checks and metrics. */
  subscriberCount(taskId: string): number
}
