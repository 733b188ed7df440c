import type { Faults } from '../faults/Faults.js'
import type { Scheduler } from '../internal/Scheduler.js'
import type { QueueItem } from '../queue/PromptQueue.js'
import type { FileStore } from '../storage/FileStore.js'
import type { ObjectInfo } from '../validation/ObjectInfo.js'
import type { WsHub } from '../ws/WsHub.js'
import type { OutputCache } from './OutputCache.js'
import type { TimingModel } from './timingModel.js'

/**
 * The contract between the queue worker and whatever runs a prompt: the simulated executor (a
 * model of ComfyUI's execution) or the replay executor (a recording played back).
 *
 * @module
 */

/** What the server tracks about the running prompt (ComfyUI's `server.client_id`, `last_node_id`). */
export interface RunState {
  /** `extra_data.client_id` of the running (or last) prompt. */
  clientId: string | undefined
  /** The display id of the last node that started, while a prompt runs. */
  lastNodeId: string | undefined
  /** Set by `POST /interrupt`; cleared when a prompt starts. */
  interrupted: boolean
}

/** Everything an executor may use. */
export interface ExecutorContext {
  readonly hub: WsHub
  readonly files: FileStore
  readonly cache: OutputCache
  readonly objectInfo: ObjectInfo
  readonly timing: TimingModel
  readonly faults: Faults
  readonly scheduler: Scheduler
  readonly state: RunState
  /** Whether samplers send live previews (ComfyUI's `--preview-method` other than `none`). */
  readonly previews: boolean
  /** The current speed factor. */
  readonly speed: () => number
  /** Milliseconds since the epoch, for `timestamp` fields. */
  readonly now: () => number
}

/** The result of running one prompt, written to history. */
export interface ExecutionOutcome {
  readonly success: boolean
  /** The `execution_*` messages with their timestamps (history `status.messages`). */
  readonly messages: [string, unknown][]
  /** UI outputs by node id (history `outputs`). */
  readonly outputs: Record<string, unknown>
  /** History `meta` by node id. */
  readonly meta: Record<string, unknown>
}

/** Runs one prompt from the queue, sending its frames. Rejects only when the simulator stops. */
export interface PromptExecutor {
  execute(item: QueueItem): Promise<ExecutionOutcome>
}
