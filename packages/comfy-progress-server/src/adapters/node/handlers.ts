import {
  createCancelRequestHandler,
  createGenerateRequestHandler,
  createHealthRequestHandler,
  createImageRequestHandler,
  createPreviewRequestHandler,
  createStatusRequestHandler,
  type GenerateHandlerOptions,
  type TaskRouteOptions,
} from '../../routes/createRouteHandlers.js'
import { createRequestHandler, type RequestHandlerOptions } from '../../routes/createRequestHandler.js'
import { createSseRequestHandler, type SseHandlerOptions } from '../../sse/createSseRequestHandler.js'
import { type NodeRequestHandler, serve } from './serve.js'

// Each factory wraps the framework-neutral handler of the same name; see it for the route's behaviour.

/** Every route in one handler (generate, progress, tasks, cancel, preview, image, health), under any prefix. */
export function createHandler(options: RequestHandlerOptions): NodeRequestHandler {
  return serve(createRequestHandler(options))
}

/** `POST /generate`: validates the body, creates the task, answers `202 {taskId, statusUrl, progressUrl}`. */
export function createGenerateHandler(options: GenerateHandlerOptions): NodeRequestHandler {
  return serve(createGenerateRequestHandler(options))
}

/** `GET /progress/:taskId` and `GET /progress?tasks=a,b,c`: the SSE streams, on HTTP/1.1 and HTTP/2. */
export function createSseHandler(options: SseHandlerOptions): NodeRequestHandler {
  return serve(createSseRequestHandler(options))
}

/** `GET /tasks/:taskId`: the latest task event as JSON. */
export function createStatusHandler(options: TaskRouteOptions): NodeRequestHandler {
  return serve(createStatusRequestHandler(options))
}

/** `POST /tasks/:taskId/cancel`: removes or interrupts the task's prompt and answers which. */
export function createCancelHandler(options: TaskRouteOptions): NodeRequestHandler {
  return serve(createCancelRequestHandler(options))
}

/** `GET /tasks/:taskId/preview`: the latest live preview image of a running task. */
export function createPreviewHandler(options: TaskRouteOptions): NodeRequestHandler {
  return serve(createPreviewRequestHandler(options))
}

/** `GET /image/:filename`: a signed result image, proxied from ComfyUI. */
export function createImageHandler(options: TaskRouteOptions): NodeRequestHandler {
  return serve(createImageRequestHandler(options))
}

/** `GET /health`: ComfyUI's state and queue length, the task counts; 503 unless connected. */
export function createHealthHandler(options: TaskRouteOptions): NodeRequestHandler {
  return serve(createHealthRequestHandler(options))
}
