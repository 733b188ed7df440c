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
export { createTaskId, isTaskId } from './tasks/createTaskId.js'
export { isTerminalEvent } from './tasks/isTerminalEvent.js'

// ⑥ store and bus: interfaces and memory implementations
export type { TaskStore, TaskRecord, TaskMetadata, StoredTaskEvent, NewTask } from './store/TaskStore.js'
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
export type { SseHandlerOptions } from './sse/createSseRequestHandler.js'
export type { SseStreamEndInfo } from './sse/handleSseRequest.js'

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
