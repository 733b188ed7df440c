/**
 * `@comfy-progress/comfyui-sim`: a ComfyUI stand-in on loopback that speaks ComfyUI 0.3.64's real
 * HTTP and WebSocket protocol (as recorded in `fixtures/comfyui/`), with fault injection, a replay
 * mode for recordings and a recorder that captures a live ComfyUI run in the same format.
 *
 * @module
 */

// the simulator
export { createComfyUiSim } from './createComfyUiSim.js'
export { comfyUiSimDefaults } from './ComfyUiSim.js'
export type { ComfyUiSim, ComfyUiSimOptions, RestartOptions } from './ComfyUiSim.js'
export { recordedTiming } from './execution/timingModel.js'
export type { TimingModel } from './execution/timingModel.js'
export type { SimClock } from './internal/Scheduler.js'
export type { HistoryEntry, QueueItem, ExtraData } from './queue/PromptQueue.js'
export type { ApiPrompt, ApiPromptNode } from './validation/ApiPrompt.js'
export type { ObjectInfo, ObjectInfoClass, ObjectInfoInputSpec } from './validation/ObjectInfo.js'

// fault injection
export { Faults } from './faults/Faults.js'
export type {
  FaultTarget,
  DropSocketOptions,
  RefuseConnectionsOptions,
  FailHttpOptions,
  DelayFramesOptions,
  CorruptFrameOptions,
  FailNodeOptions,
} from './faults/Faults.js'

// recording
export { recordComfyUiRun, recordDefaults } from './record/recordComfyUiRun.js'
export type { RecordOptions, RecordedRun } from './record/recordComfyUiRun.js'
