/**
 * `@comfy-progress/server`: run ComfyUI generations as tasks and stream their progress to browsers
 * over Server-Sent Events. This entry holds the framework-neutral parts; the HTTP routes come from
 * `@comfy-progress/server/node` (Node `http`/`http2`, Express, Fastify, Koa) and
 * `@comfy-progress/server/fetch` (`Request`/`Response`: Hono, Next.js, Bun, Deno).
 *
 * Exports follow the data flow: ⑤ tasks, ⑥ store and bus, ⑦ SSE, then HTTP helpers.
 *
 * @module
 */

// ⑤ tasks
export { TaskManager } from './tasks/TaskManager.js'
export type {
  TaskManagerOptions,
  TaskComfyClient,
  CreateTaskRequest,
  CancelAction,
  TaskManagerHealth,
} from './tasks/TaskManagerOptions.js'
export { createTaskId, isTaskId } from './tasks/createTaskId.js'
export { isTerminalEvent } from './tasks/isTerminalEvent.js'
export { describeSubmitFailure } from './tasks/describeSubmitFailure.js'

// ⑥ store and bus: interfaces and memory implementations
export type {
  TaskStore,
  TaskRecord,
  TaskMetadata,
  StoredTaskEvent,
  NewTask,
  TaskPreviewImage,
} from './store/TaskStore.js'
export { MemoryTaskStore, memoryTaskStoreDefaults, DEFAULT_TASK_TTL_MS } from './store/MemoryTaskStore.js'
export type { MemoryTaskStoreOptions } from './store/MemoryTaskStore.js'
export type { EventBus, TaskEventListener, Unsubscribe } from './store/EventBus.js'
export { MemoryEventBus } from './store/MemoryEventBus.js'
export type { MemoryEventBusOptions } from './store/MemoryEventBus.js'

// ⑦ SSE, framework-neutral
export { formatSseEvent, formatSseFields, formatSseComment } from './sse/formatSseEvent.js'
export type { SseEventFields } from './sse/formatSseEvent.js'
export { formatStreamCursor, resumeFromLastEventId, MAX_CURSOR_LENGTH } from './sse/resumeFromLastEventId.js'
export type { StreamCursor, ResumeInput } from './sse/resumeFromLastEventId.js'
export type { SseSink } from './sse/SseSink.js'
export { SseStream, sseStreamDefaults } from './sse/SseStream.js'
export type { SseStreamOptions, SseEndReason, SseTimers } from './sse/SseStream.js'
export { SubscriberLimiter, subscriberLimiterDefaults } from './sse/SubscriberLimiter.js'
export type { SubscriberLimiterOptions } from './sse/SubscriberLimiter.js'
export { createSseRequestHandler, sseHandlerDefaults } from './sse/createSseRequestHandler.js'
export type { SseHandlerOptions, TaskSource } from './sse/createSseRequestHandler.js'
export type { SseStreamEndInfo } from './sse/handleSseRequest.js'

// routes, framework-neutral (the adapters wrap each of these)
export { createRequestHandler } from './routes/createRequestHandler.js'
export type { RequestHandlerOptions } from './routes/createRequestHandler.js'
export {
  createGenerateRequestHandler,
  createStatusRequestHandler,
  createCancelRequestHandler,
  createPreviewRequestHandler,
  createImageRequestHandler,
  createHealthRequestHandler,
  generateHandlerDefaults,
} from './routes/createRouteHandlers.js'
export type { GenerateHandlerOptions, TaskRouteOptions } from './routes/createRouteHandlers.js'
export { parseGenerateBody, checkWorkflow, generateBodyLimits } from './generate/parseGenerateBody.js'
export { createImageSigner } from './images/createImageSigner.js'
export type { ImageRef, ImageSigner } from './images/createImageSigner.js'

// HTTP: the neutral shapes adapters translate, and the one error → status map
export type {
  HeaderReader,
  NeutralRequest,
  NeutralResponse,
  NeutralBodyResponse,
  NeutralEmptyResponse,
  NeutralSseResponse,
  NeutralHandler,
} from './http/NeutralHttp.js'
export { statusForError, errorStatuses } from './http/statusForError.js'
export { errorResponse } from './http/errorResponse.js'
export { jsonResponse, JSON_HEADERS } from './http/jsonResponse.js'
export { readJsonBody } from './http/readJsonBody.js'
export { withErrorResponses } from './http/withErrorResponses.js'
