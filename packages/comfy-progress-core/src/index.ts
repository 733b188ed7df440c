/**
 * `@comfy-progress/core`: ComfyUI's WebSocket protocol, the progress model and the task event
 * contract of comfy-progress. Runs in browsers and Node; no platform dependencies.
 *
 * Exports follow the data flow: ① frame → message, ② connection and HTTP API, ③ message → progress,
 * ④ progress → task event; then retries, errors and recordings.
 *
 * @module
 */

// ① protocol: WebSocket frame → typed message
export type {
  ComfyNodeId,
  ComfyStatusMessage,
  ComfyExecutionStartMessage,
  ComfyExecutionCachedMessage,
  ComfyExecutingMessage,
  ComfyProgressMessage,
  ComfyNodeProgressState,
  ComfyProgressStateMessage,
  ComfyImageRef,
  ComfyNodeOutput,
  ComfyExecutedMessage,
  ComfyExecutionSuccessMessage,
  ComfyExecutionErrorMessage,
  ComfyExecutionInterruptedMessage,
  ComfyFeatureFlagsMessage,
  ComfyUnknownMessage,
  ComfyPreviewMetadata,
  ComfyPreviewImageMessage,
  ComfyProgressTextMessage,
  ComfyUnknownBinaryMessage,
  ComfyMessage,
  ComfyMessageType,
  ComfyMessageOf,
} from './protocol/ComfyMessage.js'
export { parseMessage } from './protocol/parseMessage.js'
export type { ParseMessageResult } from './protocol/ParseMessageResult.js'
export { isExecutionBlocked } from './protocol/isExecutionBlocked.js'

// retries
export { computeBackoffDelay, backoffDefaults } from './retry/computeBackoffDelay.js'
export type { BackoffOptions } from './retry/computeBackoffDelay.js'

// errors
export { errorCodes } from './errors/codes.js'
export type { ComfyProgressErrorCode } from './errors/codes.js'
export {
  ComfyProgressError,
  isComfyProgressError,
  toComfyProgressError,
} from './errors/ComfyProgressError.js'
export type { ComfyProgressErrorOptions } from './errors/ComfyProgressError.js'

// recordings (the fixtures/comfyui format, shared with the simulator)
export { parseRecording } from './recording/parseRecording.js'
export type {
  Recording,
  RecordingMeta,
  RecordingEntry,
  RecordingWsText,
  RecordingWsBinary,
  RecordingWsAnnotation,
  RecordingHttp,
} from './recording/Recording.js'

// ③ progress: message → progress (pure; one state per prompt)
export { initialProgressState, PHASE_STEP_NAMES } from './progress/ProgressState.js'
export type {
  ProgressState,
  ProgressPhase,
  ProgressError,
  ProgressOutcome,
  ProgressOutputs,
  CurrentNode,
  InitialProgressStateOptions,
} from './progress/ProgressState.js'
export { reduceProgress } from './progress/reduceProgress.js'
export { NODE_STEP_NAMES } from './progress/nodeStepNames.js'
export { describeNode } from './progress/describeNode.js'
export type { DescribeNodeOptions } from './progress/describeNode.js'
export { estimateNodeWeight, NODE_WEIGHTS, DEFAULT_NODE_WEIGHT } from './progress/estimateNodeWeight.js'
export type { ProgressPlan, PlannedNode } from './progress/planProgress.js'
export type { NodeProgress } from './progress/advanceNodeBar.js'
export { rateDefaults } from './progress/estimateEta.js'
export type { RateEstimate, RateOptions } from './progress/estimateEta.js'
export type {
  ComfyWorkflow,
  ComfyWorkflowNode,
  ComfyObjectInfo,
  ComfyNodeInfo,
} from './progress/ComfyWorkflow.js'

// ④ task events: the public payload contract
export { createTaskEvent, TASK_ERROR_MESSAGE } from './events/createTaskEvent.js'
export type { CreateTaskEventOptions } from './events/createTaskEvent.js'
export { parseTaskEvent } from './events/parseTaskEvent.js'
export type { ParseTaskEventResult } from './events/parseTaskEvent.js'
export type {
  TaskStatus,
  TerminalTaskStatus,
  TaskProgress,
  TaskNode,
  TaskPreview,
  TaskResult,
  TaskError,
  QueuedTaskEvent,
  InProgressTaskEvent,
  CompletedTaskEvent,
  ErrorTaskEvent,
  CancelledTaskEvent,
  TaskEvent,
} from './events/TaskEvent.js'
