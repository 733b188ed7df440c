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
   * This instance now owns `taskId`, whose owner stopped renewing its lease: if the task ended, deliver
   * its terminal webhook again (the owner died before its deliveries settled) and release it; else follow the task's prompt
   * on `client` (connected under the handoff's client id), or on this instance's own client when
   * `client` is `null` (the handoff names this instance's own client id). Resolves once the task is
   * followed or ended; a rejection gives the lease back.
   */
  adopt(taskId: string, handoff: TaskHandoff, client: TakeoverClient | null): Promise<void>
  /** Another instance owns `taskId` now, or it is gone: stop following it, write nothing. */
  lost(taskId: string): void
  /**
   * `taskId` ended on another instance (a cancel there) while this one followed it: stop following
   * its prompt, write nothing, finish its webhook deliveries, then `release` it. Without this hook
   * the lease is dropped at once, as with `lost`.
   */
  endedElsewhere?(taskId: string): void
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
  /**
   * The task ended on this instance but its webhook deliveries have not settled: keep renewing its
   * lease although it ended, until `release`. Should this instance die first, the instance that takes
   * the task over (`adopt`, with the task already ended) delivers its terminal event again.
   * Optional: without it, `release` comes later and nothing is taken over.
   */
  hold?(taskId: string): void
  /** Starts renewing this instance's leases and taking over the tasks of instances that died. */
  start(handlers: TaskOwnershipHandlers): void
  /**
   * Stops: drops this instance's tasks (`lost`) and gives their leases up, so another instance takes
   * them over at once. Idempotent.
   */
  close(): Promise<void>
}
