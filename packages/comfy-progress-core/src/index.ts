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

// ② client: the connection to ComfyUI, its HTTP API, per-prompt streams and reconciliation
export { ComfyClient } from './client/ComfyClient.js'
export { comfyClientDefaults } from './client/ComfyClientOptions.js'
export type { ComfyClientOptions, SubmitOptions, SubmittedPrompt } from './client/ComfyClientOptions.js'
export type { ComfyClientEvents, ConnectionState, ConnectionStateChange } from './client/ComfyClientEvents.js'
export type {
  PromptEvent,
  PromptMessageEvent,
  PromptResumedEvent,
  PromptEndEvent,
  PromptListener,
  PromptOutcome,
  PromptOutcomeSource,
  PromptOutputs,
  PromptSucceeded,
  PromptFailed,
  PromptInterrupted,
  PromptCancelled,
  PromptAbandoned,
  Unsubscribe,
} from './client/PromptEvent.js'
export type {
  ComfyClientLogEntry,
  ComfyClientLogger,
  ComfyClientFrameLog,
  ComfyClientStateLog,
  ComfyClientRetryLog,
  ComfyClientLivenessLog,
  ComfyClientHttpLog,
  ComfyClientReconcileLog,
} from './client/ComfyClientLogEntry.js'
export { ComfyHttpApi, comfyHttpApiDefaults } from './client/ComfyHttpApi.js'
export type { ComfyHttpApiOptions, SubmitPromptOptions } from './client/ComfyHttpApi.js'
export type { ComfyRequestOptions } from './client/httpRequest.js'
export type { UploadImageInput, UploadMaskInput } from './client/toMultipart.js'
export type {
  ComfyValidationError,
  ComfyNodeErrors,
  ComfyValidationFailure,
  ComfySubmitResult,
  ComfyQueueItem,
  ComfyQueue,
  ComfyHistoryStatus,
  ComfyHistoryEntry,
  ComfyFileRef,
  ComfyUploadResult,
  ComfyViewResult,
  ComfySystemStats,
  ComfyServerFeatures,
} from './client/httpTypes.js'
export { cancelPrompt } from './client/cancelPrompt.js'
export type { CancelResult } from './client/cancelPrompt.js'
export { reconcileFromHistory } from './client/reconcileFromHistory.js'
export type { ReconcileApi, ReconcileOptions, ReconcileVerdict } from './client/reconcileFromHistory.js'
export { outcomeFromHistory } from './client/promptOutcome.js'
export { createCircuitBreaker, circuitBreakerDefaults } from './client/circuitBreaker.js'
export type { CircuitBreaker, CircuitBreakerOptions, CircuitBreakerState } from './client/circuitBreaker.js'
export { createPromptId, isCanonicalPromptId } from './client/createPromptId.js'
export { createClientId } from './client/createClientId.js'
export { globalTimers } from './client/Timers.js'
export type { Timers } from './client/Timers.js'
export type {
  WebSocketLike,
  WebSocketConstructorLike,
  WebSocketHandlerLike,
  WebSocketMessageEventLike,
  WebSocketCloseEventLike,
} from './client/WebSocketLike.js'
export type { FetchLike, FetchInitLike, ResponseLike, AbortSignalLike, BlobLike } from './client/FetchLike.js'

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
