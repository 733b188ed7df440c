import type { ComfyClient } from '@comfy-progress/core'
import type { CreateTaskRequest } from './TaskManagerOptions.js'

/**
 * What another server instance needs to take a task over: the request (its workflow gives the
 * progress model its plan) and the ComfyUI client id the prompt was submitted with (ComfyUI sends a
 * prompt's frames to that id only). The request keeps its own `webhook`, secret included, so that
 * the new owner delivers it too: the handoff is stored as it is (in Redis with `RedisTaskLeases`).
 */
export interface TaskHandoff {
  readonly request: CreateTaskRequest
  readonly clientId: string
  /** The id of the ComfyUI backend the prompt runs on (TaskManager `backends`). */
  readonly backend?: string
}

/** The ComfyUI connection a taken-over task is followed on. */
export type TakeoverClient = Pick<ComfyClient, 'clientId' | 'follow'>

/** What {@link TaskOwnership.start} is given: how the TaskManager follows and drops tasks. */
export interface TaskOwnershipHandlers {
  /** The ComfyUI client id of this instance's own client. */
  readonly clientId: string
  /**
   * This instance now owns `taskId`, whose owner stopped renewing its lease: follow the task's prompt
   * on `client` (connected under the handoff's client id), or on this instance's own client when
   * `client` is `null` (the handoff names this instance's own client id). Resolves once the task is
   * followed or ended; a rejection gives the lease back.
   */
  adopt(taskId: string, handoff: TaskHandoff, client: TakeoverClient | null): Promise<void>
  /** Another instance owns `taskId` now, or it ended elsewhere: stop following it, write nothing. */
  lost(taskId: string): void
}

/**
 * Ownership of tasks across server instances: exactly one instance follows a given ComfyUI prompt at
 * a time, under a lease that it renews while it lives. When an instance dies its leases run out and
 * another instance takes its tasks over: it reconciles each through ComfyUI's `/history` and `/queue`
 * and writes the terminal event (the store accepts only one). `TaskManager` calls these hooks when
 * its `ownership` option is set; `RedisTaskLeases` in `@comfy-progress/server/redis` implements them.
 */
export interface TaskOwnership {
  /**
   * Takes the lease of a task this instance just created, with what another instance needs to take
   * it over. Rejects with `STORE_UNAVAILABLE`.
   */
  claim(taskId: string, handoff: TaskHandoff): Promise<void>
  /** Gives the lease of an ended task up (its terminal event is written). Never rejects. */
  release(taskId: string): Promise<void>
  /** Starts renewing this instance's leases and taking over the tasks of instances that died. */
  start(handlers: TaskOwnershipHandlers): void
  /**
   * Stops: drops this instance's tasks (`lost`) and gives their leases up, so another instance takes
   * them over at once. Idempotent.
   */
  close(): Promise<void>
}
