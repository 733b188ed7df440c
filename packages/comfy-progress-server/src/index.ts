/**
 * `@comfy-progress/server`: run ComfyUI generations as tasks and stream their progress to browsers
 * over Server-Sent Events. This entry holds the framework-neutral parts; the HTTP routes come from
 * `@comfy-progress/server/node` (Node `http`/`http2`, Express, Fastify, Koa) and
 * `@comfy-progress/server/fetch` (`Request`/`Response`: Hono, Next.js, Bun, Deno).
 *
 * Exports follow the data flow: ⑤ tasks, ⑥ store and bus, ⑦ SSE, ⑦' webhooks, then HTTP helpers.
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
  TaskBackend,
  BackendHealth,
} from './tasks/TaskManagerOptions.js'
export { chooseBackend } from './tasks/chooseBackend.js'
export type { BackendLoad } from './tasks/chooseBackend.js'
export { createTaskId, isTaskId } from './tasks/createTaskId.js'
export { isTerminalEvent } from './tasks/isTerminalEvent.js'
export { describeSubmitFailure } from './tasks/describeSubmitFailure.js'
export type {
  TaskOwnership,
  TaskOwnershipHandlers,
  TaskHandoff,
  TakeoverClient,
} from './tasks/TaskOwnership.js'

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
export { SseHeartbeat } from './sse/SseHeartbeat.js'
export type { HeartbeatTarget } from './sse/SseHeartbeat.js'
export type { SseStreamOptions, SseEndReason, SseTimers } from './sse/SseStream.js'
export { SubscriberLimiter, subscriberLimiterDefaults } from './sse/SubscriberLimiter.js'
export type { SubscriberLimiterOptions } from './sse/SubscriberLimiter.js'
export { createSseRequestHandler, sseHandlerDefaults } from './sse/createSseRequestHandler.js'
export type { SseHandlerOptions, TaskSource } from './sse/createSseRequestHandler.js'
export type { SseStreamEndInfo } from './sse/handleSseRequest.js'

// webhooks: signed deliveries to other servers (⑦'), and verification for receivers
export { WebhookDispatcher } from './webhooks/WebhookDispatcher.js'
export type { WatchTaskOptions, PreparedTaskWebhook } from './webhooks/WebhookDispatcher.js'
export { webhookDispatcherDefaults } from './webhooks/WebhookDispatcherOptions.js'
export type { WebhookDispatcherOptions, TaskWebhooksOptions } from './webhooks/WebhookDispatcherOptions.js'
export type {
  WebhookDispatcherEvents,
  WebhookDeliveryRef,
  WebhookAttemptInfo,
  WebhookSettledInfo,
  WebhookEndpointDisabledInfo,
  WebhookTaskDeliveries,
  WebhookEndpointDeliveries,
} from './webhooks/WebhookDispatcherEvents.js'
export type {
  WebhookEndpointConfig,
  TaskWebhookConfig,
  WebhookEventFilter,
} from './webhooks/parseWebhookConfig.js'
export { webhookRetryDefaults, planWebhookRetry } from './webhooks/planWebhookRetry.js'
export type { WebhookRetryOptions, RetryState } from './webhooks/planWebhookRetry.js'
export { signWebhook, webhookIdFor, webhookBodyFor } from './webhooks/signWebhook.js'
export type { SignWebhookInput, WebhookSignatureHeaders } from './webhooks/signWebhook.js'
export { verifyWebhook, verifyWebhookDefaults } from './webhooks/verifyWebhook.js'
export type { VerifyWebhookOptions, VerifiedWebhook, WebhookHeaderSource } from './webhooks/verifyWebhook.js'
export {
  createWebhookSecret,
  decodeWebhookSecret,
  WEBHOOK_SECRET_PREFIX,
  webhookSecretLimits,
} from './webhooks/webhookSecret.js'
export type { WebhookSecretInput } from './webhooks/webhookSecret.js'
export { validateWebhookUrl, MAX_WEBHOOK_URL_LENGTH } from './webhooks/validateWebhookUrl.js'
export type { ValidateWebhookUrlOptions } from './webhooks/validateWebhookUrl.js'
export { createAddressPolicy } from './webhooks/addressPolicy.js'
export type { AddressPolicy } from './webhooks/addressPolicy.js'
export { FORBIDDEN_IPV4_RANGES, FORBIDDEN_IPV6_RANGES } from './webhooks/forbiddenAddressRanges.js'
export type { AddressRange } from './webhooks/forbiddenAddressRanges.js'
export { createGuardedLookup, systemResolver } from './webhooks/createGuardedLookup.js'
export type { WebhookResolver } from './webhooks/createGuardedLookup.js'
export { parseRetryAfter } from './webhooks/parseRetryAfter.js'

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
