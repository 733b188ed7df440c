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
import { type FetchRequestHandler, serve } from './serve.js'

// Each factory wraps the framework-neutral handler of the same name; see it for the route's behaviour.

/** Every route in one handler (generate, progress, tasks, cancel, preview, image, health), under any prefix. */
export function createHandler(options: RequestHandlerOptions): FetchRequestHandler {
  return serve(createRequestHandler(options))
}

/** `POST /generate`: validates the body, creates the task, answers `202 {taskId, statusUrl, progressUrl}`. */
export function createGenerateHandler(options: GenerateHandlerOptions): FetchRequestHandler {
  return serve(createGenerateRequestHandler(options))
}

/** `GET /progress/:taskId` and `GET /progress?tasks=a,b,c`: the SSE streams, on HTTP/1.1 and HTTP/2. */
export function createSseHandler(options: SseHandlerOptions): FetchRequestHandler {
  return serve(createSseRequestHandler(options))
}

/** `GET /tasks/:taskId`: the latest task event as JSON. */
export function createStatusHandler(options: TaskRouteOptions): FetchRequestHandler {
  return serve(createStatusRequestHandler(options))
}

/** `POST /tasks/:taskId/cancel`: removes or interrupts the task's prompt and answers which. */
export function createCancelHandler(options: TaskRouteOptions): FetchRequestHandler {
  return serve(createCancelRequestHandler(options))
}

/** `GET /tasks/:taskId/preview`: the latest live preview image of a running task. */
export function createPreviewHandler(options: TaskRouteOptions): FetchRequestHandler {
  return serve(createPreviewRequestHandler(options))
}

/** `GET /image/:filename`: a signed result image, proxied from ComfyUI. */
export function createImageHandler(options: TaskRouteOptions): FetchRequestHandler {
  return serve(createImageRequestHandler(options))
}

/** `GET /health`: ComfyUI's state and queue length, the task counts; 503 unless connected. */
export function createHealthHandler(options: TaskRouteOptions): FetchRequestHandler {
  return serve(createHealthRequestHandler(options))
}
