import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ProgressError, ProgressState } from '../progress/ProgressState.js'
import { PHASE_STEP_NAMES } from '../progress/ProgressState.js'
import { redactPaths } from './redactPaths.js'
import type { TaskError, TaskEvent, TaskNode, TaskPreview, TaskProgress, TaskResult } from './TaskEvent.js'

/** Options of {@link createTaskEvent}. */
export interface CreateTaskEventOptions {
  /**
   * When the event is produced, in ms since the epoch; becomes the ISO `timestamp`.
   * @default Date.now()
   */
  readonly now?: number
  /**
   * The app's result. Required when the prompt succeeded: a `completed` event carries it as-is.
   * @default undefined
   */
  readonly result?: TaskResult
  /**
   * Makes an `error` event whatever the state says, for failures outside ComfyUI's frames (a rejected
   * workflow, an unreachable server). Missing fields come from the state's error, then the defaults.
   * @default undefined
   */
  readonly error?: Partial<TaskError>
  /**
   * Makes a `cancelled` event whatever the state says (e.g. a prompt removed from the queue before it ran).
   * @default false
   */
  readonly cancelled?: boolean
  /**
   * Prompts ahead of this one in ComfyUI's queue, for `queued` events.
   * @default null
   */
  readonly queuePosition?: number | null
  /**
   * Where the latest live preview is, on the app's own server; omitted when not given.
   * @default undefined
   */
  readonly preview?: TaskPreview | null
  /**
   * Keep absolute file paths in ComfyUI's error messages. Off by default: a message such as
   * "cannot identify image file '/root/ComfyUI/input/x.png'" is sent as "… 'x.png'". Tracebacks are
   * never sent.
   * @default false
   */
  readonly exposeInternals?: boolean
}

/** `error.message` of an error event made from a ComfyUI failure (the design document's wording). */
export const TASK_ERROR_MESSAGE = 'Generation failed'

/** The longest `error.details` sent; ComfyUI's messages can embed whole tensor dumps. */
const MAX_DETAILS_LENGTH = 1000

/**
 * Builds the task event payload (the design document's seed shapes) for a prompt's progress state:
 * - queued → `queued`: 0%, "Waiting in queue...", `queuePosition` from the options;
 * - running → `in-progress`: the state's percentage, step, bar and ETA, and the running node;
 * - success → `completed`: 100%, "Complete", value = max, and `options.result`;
 * - error → `error`: 0%, "Failed", 0 of 0 (as the design document shows), and `{message, details}`
 *   where details name ComfyUI's exception, message and node, with absolute paths stripped (unless
 *   `exposeInternals`); never a traceback;
 * - interrupted → `cancelled`: the percentage and bar where it stopped, "Cancelled".
 *
 * Every event it returns passes {@link parseTaskEvent}. Additive fields (`eta`, `queuePosition`, `node`,
 * and `preview` when given) follow the seed's fields.
 *
 * @throws {ComfyProgressError} `TASK_EVENT_INVALID` for a programming error: an empty `taskId`, a `now`
 *   outside years 1970–9999, or a succeeded state without `options.result` (with an `imageUrl`).
 *
 * @example
 * ```ts
 * const event = createTaskEvent(taskId, state, { now: Date.now() })
 * // {taskId, status: 'in-progress', progress: {percentage: 45, currentStep: 'Sampling image...',
 * //  currentValue: 9, maxValue: 20}, timestamp: '2025-11-25T12:34:56.789Z', eta: 3.2, ...}
 * const done = createTaskEvent(taskId, state, { result: { imageUrl: '/image/image_123.png' } })
 * ```
 */
export function createTaskEvent(
  taskId: string,
  state: ProgressState,
  options: CreateTaskEventOptions = {},
): TaskEvent {
  if (typeof taskId !== 'string' || taskId === '') invalid('taskId', 'must be a non-empty string')
  const timestamp = isoTimestamp(options.now ?? Date.now())
  const extras = options.preview === undefined ? {} : { preview: options.preview }
  const outcome = state.outcome

  if (options.error !== undefined || state.phase === 'error') {
    const failure = outcome?.status === 'error' ? outcome.error : null
    return {
      taskId,
      status: 'error',
      progress: progress(0, PHASE_STEP_NAMES.error, [0, 0]),
      error: taskError(failure, options),
      timestamp,
      eta: null,
      queuePosition: null,
      node: failure?.nodeId ? { id: failure.nodeId, classType: failure.nodeType } : null,
      ...extras,
    }
  }
  if (options.cancelled === true || state.phase === 'interrupted') {
    const nodeId = outcome?.status === 'interrupted' ? outcome.nodeId : null
    return {
      taskId,
      status: 'cancelled',
      progress: progress(state.percentage, PHASE_STEP_NAMES.interrupted, [
        state.currentValue,
        state.maxValue,
      ]),
      timestamp,
      eta: null,
      queuePosition: null,
      node: nodeId && outcome?.status === 'interrupted' ? { id: nodeId, classType: outcome.nodeType } : null,
      ...extras,
    }
  }
  if (state.phase === 'success') {
    const result = options.result
    if (typeof result !== 'object' || result === null || typeof result.imageUrl !== 'string') {
      invalid('result', 'is required (with an imageUrl) to create a completed event')
    }
    return {
      taskId,
      status: 'completed',
      progress: progress(100, PHASE_STEP_NAMES.success, [state.maxValue, state.maxValue]),
      result,
      timestamp,
      eta: 0,
      queuePosition: null,
      node: null,
      ...extras,
    }
  }
  if (state.phase === 'queued') {
    return {
      taskId,
      status: 'queued',
      progress: progress(0, PHASE_STEP_NAMES.queued, [0, 0]),
      timestamp,
      eta: null,
      queuePosition: queuePosition(options.queuePosition),
      node: null,
      ...extras,
    }
  }
  return {
    taskId,
    status: 'in-progress',
    progress: progress(state.percentage, state.currentStep, [state.currentValue, state.maxValue]),
    timestamp,
    eta: state.eta !== null && Number.isFinite(state.eta) && state.eta >= 0 ? state.eta : null,
    queuePosition: null,
    node: runningNode(state),
    ...extras,
  }
}

/** The progress block; `bar` is `[currentValue, maxValue]`. */
function progress(percentage: number, currentStep: string, bar: readonly [number, number]): TaskProgress {
  const [currentValue, maxValue] = bar
  return {
    percentage: Number.isFinite(percentage) ? Math.min(100, Math.max(0, Math.round(percentage))) : 0,
    currentStep,
    currentValue: nonNegative(currentValue),
    maxValue: nonNegative(maxValue),
  }
}

function taskError(failure: ProgressError | null, options: CreateTaskEventOptions): TaskError {
  const given = options.error ?? {}
  const details = given.details ?? (failure ? describeFailure(failure) : '')
  const code = given.code ?? (failure ? 'COMFY_EXECUTION_FAILED' : undefined)
  return {
    message: given.message ?? TASK_ERROR_MESSAGE,
    details: truncate(options.exposeInternals === true ? details : redactPaths(details)),
    ...(code === undefined ? {} : { code }),
  }
}

/** "RuntimeError in VAEDecode (node 8): Given groups=1, …": what failed, where, and ComfyUI's words. */
function describeFailure(failure: ProgressError): string {
  const where = failure.nodeType
    ? ` in ${failure.nodeType}${failure.nodeId ? ` (node ${failure.nodeId})` : ''}`
    : failure.nodeId
      ? ` in node ${failure.nodeId}`
      : ''
  const head = `${failure.exceptionType}${where}`
  return failure.message ? `${head}: ${failure.message}` : head
}

function runningNode(state: ProgressState): TaskNode | null {
  const node = state.currentNode
  return node ? { id: node.displayId, classType: node.classType } : null
}

function queuePosition(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0
}

function truncate(text: string): string {
  return text.length <= MAX_DETAILS_LENGTH ? text : `${text.slice(0, MAX_DETAILS_LENGTH - 1)}…`
}

/** The latest time `Date#toISOString` writes as `YYYY-MM-DDTHH:mm:ss.sssZ`: 9999-12-31T23:59:59.999Z. */
const MAX_ISO_TIME = 253_402_300_799_999

function isoTimestamp(now: number): string {
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0 || now > MAX_ISO_TIME) {
    invalid('timestamp', 'needs options.now to be a time in ms between 1970 and 9999')
  }
  return new Date(now).toISOString()
}

function invalid(field: string, problem: string): never {
  throw new ComfyProgressError(
    'TASK_EVENT_INVALID',
    `comfy-progress: createTaskEvent: ${field} ${problem}.`,
    {
      details: { field },
    },
  )
}
