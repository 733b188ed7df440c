import type { OutputCache } from './execution/OutputCache.js'
import type { RunState } from './execution/PromptExecutor.js'
import type { Faults } from './faults/Faults.js'
import type { Scheduler } from './internal/Scheduler.js'
import type { PromptQueue } from './queue/PromptQueue.js'
import type { PromptWorker } from './queue/PromptWorker.js'
import type { ReplaySession } from './replay/ReplaySession.js'
import type { FileStore } from './storage/FileStore.js'
import type { CustomInputValidator } from './validation/validateInputs.js'
import type { ObjectInfo } from './validation/ObjectInfo.js'
import type { WsHub } from './ws/WsHub.js'

/**
 * The parts of one simulated server, shared by the HTTP routes, the WebSocket hub and the worker.
 *
 * @module
 */
export interface SimCore {
  readonly queue: PromptQueue
  readonly worker: PromptWorker
  readonly hub: WsHub
  readonly files: FileStore
  readonly cache: OutputCache
  readonly runState: RunState
  readonly objectInfo: ObjectInfo
  readonly validators: Readonly<Record<string, Readonly<Record<string, CustomInputValidator>>>>
  readonly faults: Faults
  readonly scheduler: Scheduler
  readonly maxUploadSize: number
  /** `--enable-cors-header`: when set, no origin check and CORS headers on every answer. */
  readonly corsHeader: string | undefined
  /** Replay mode: the recording that answers `POST /prompt` and plays the frames. */
  readonly replay: ReplaySession | undefined
}
