import { handleGenerateRequest } from '../generate/handleGenerateRequest.js'
import { parseGenerateBody } from '../generate/parseGenerateBody.js'
import type { NeutralHandler, NeutralRequest } from '../http/NeutralHttp.js'
import { withErrorResponses } from '../http/withErrorResponses.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import type { CreateTaskRequest } from '../tasks/TaskManagerOptions.js'
import { handleCancelRequest } from './handleCancelRequest.js'
import { handleHealthRequest } from './handleHealthRequest.js'
import { handleImageRequest } from './handleImageRequest.js'
import { handlePreviewRequest } from './handlePreviewRequest.js'
import { handleStatusRequest } from './handleStatusRequest.js'

/** Options of the routes that act on tasks. */
export interface TaskRouteOptions {
  /** The task manager the routes act on. */
  readonly tasks: TaskManager
}

/** The defaults of {@link GenerateHandlerOptions}. */
export const generateHandlerDefaults = Object.freeze({ maxBodyBytes: 1024 * 1024 })

/** Options of the generate route. */
export interface GenerateHandlerOptions extends TaskRouteOptions {
  /**
   * Largest accepted body, in bytes (`BODY_TOO_LARGE`, 413, beyond).
   * @default 1048576
   */
  readonly maxBodyBytes?: number
  /**
   * Turns the parsed JSON body into a task request, throwing `ComfyProgressError('BODY_INVALID')` for
   * bad input. Give your own to build the workflow on the server from a template and the user's fields.
   * @default parseGenerateBody (a client-supplied `{workflow, workflowName?, prompt?, result?}`)
   */
  readonly prepare?: (
    body: unknown,
    request: NeutralRequest,
  ) => CreateTaskRequest | Promise<CreateTaskRequest>
}

/**
 * `POST /generate`, framework-neutral: validates the body and answers `202 {taskId, statusUrl,
 * progressUrl}` without waiting for ComfyUI.
 *
 * @example
 * ```ts
 * const handle = createGenerateRequestHandler({ tasks, prepare: (body) => buildWorkflow(body) })
 * ```
 */
export function createGenerateRequestHandler(options: GenerateHandlerOptions): NeutralHandler {
  const context = {
    tasks: options.tasks,
    maxBodyBytes: options.maxBodyBytes ?? generateHandlerDefaults.maxBodyBytes,
    prepare: options.prepare ?? parseGenerateBody,
  }
  return withErrorResponses((request) => handleGenerateRequest(request, context))
}

/**
 * `GET /tasks/:taskId`, framework-neutral: the latest task event as JSON.
 *
 * @example
 * ```ts
 * const handle = createStatusRequestHandler({ tasks })
 * ```
 */
export function createStatusRequestHandler(options: TaskRouteOptions): NeutralHandler {
  return withErrorResponses((request) => handleStatusRequest(request, options.tasks))
}

/**
 * `POST /tasks/:taskId/cancel`, framework-neutral.
 *
 * @example
 * ```ts
 * const handle = createCancelRequestHandler({ tasks })
 * ```
 */
export function createCancelRequestHandler(options: TaskRouteOptions): NeutralHandler {
  return withErrorResponses((request) => handleCancelRequest(request, options.tasks))
}

/**
 * `GET /tasks/:taskId/preview`, framework-neutral: the latest live preview image.
 *
 * @example
 * ```ts
 * const handle = createPreviewRequestHandler({ tasks })
 * ```
 */
export function createPreviewRequestHandler(options: TaskRouteOptions): NeutralHandler {
  return withErrorResponses((request) => handlePreviewRequest(request, options.tasks))
}

/**
 * `GET /image/:filename`, framework-neutral: signed result images proxied from ComfyUI.
 *
 * @example
 * ```ts
 * const handle = createImageRequestHandler({ tasks })
 * ```
 */
export function createImageRequestHandler(options: TaskRouteOptions): NeutralHandler {
  return withErrorResponses((request) => handleImageRequest(request, options.tasks))
}

/**
 * `GET /health`, framework-neutral: ComfyUI's state, queue length and task counts.
 *
 * @example
 * ```ts
 * const handle = createHealthRequestHandler({ tasks })
 * ```
 */
export function createHealthRequestHandler(options: TaskRouteOptions): NeutralHandler {
  return withErrorResponses((request) => handleHealthRequest(request, options.tasks))
}
