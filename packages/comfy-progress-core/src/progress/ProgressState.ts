import type { ComfyImageRef, ComfyNodeId, ComfyNodeOutput } from '../protocol/ComfyMessage.js'
import type { NodeProgress } from './advanceNodeBar.js'
import type { ComfyObjectInfo, ComfyWorkflow } from './ComfyWorkflow.js'
import { type RateEstimate, type RateOptions, UNMEASURED_RATE } from './estimateEta.js'
import { planProgress, type ProgressPlan } from './planProgress.js'

/** Where a prompt stands. `success`, `error` and `interrupted` are terminal. */
export type ProgressPhase = 'queued' | 'running' | 'success' | 'error' | 'interrupted'

/** A runtime failure as ComfyUI reported it (`execution_error`), without its traceback. */
export interface ProgressError {
  /** ComfyUI's `exception_message`, as sent: it may contain server file paths (see `createTaskEvent`). */
  readonly message: string
  /** Python exception type: `RuntimeError`, `PIL.UnidentifiedImageError`, `torch.OutOfMemoryError`, … */
  readonly exceptionType: string
  /** The failing node's id and `class_type`. */
  readonly nodeId: ComfyNodeId | null
  readonly nodeType: string | null
}

/** Outputs of the prompt's output nodes, from `executed` frames: node id → UI output (`null` if cached). */
export type ProgressOutputs = Readonly<Record<ComfyNodeId, ComfyNodeOutput | null>>

/** How a prompt ended. */
export type ProgressOutcome =
  | {
      readonly status: 'success'
      readonly outputs: ProgressOutputs
      /** Every image of every output node, in the order the nodes reported them. */
      readonly images: readonly ComfyImageRef[]
    }
  | { readonly status: 'error'; readonly error: ProgressError }
  | { readonly status: 'interrupted'; readonly nodeId: ComfyNodeId | null; readonly nodeType: string | null }

/** The node that runs now. */
export interface CurrentNode {
  /** The node's unique id (as in `progress.node`). */
  readonly id: ComfyNodeId
  /** The id the ComfyUI editor shows (`display_node`); equal to `id` unless the node was expanded. */
  readonly displayId: ComfyNodeId
  /** Its `class_type`, `null` if the workflow does not have it. */
  readonly classType: string | null
  /** What the banner says while it runs, e.g. "Sampling image...". */
  readonly step: string
}

/**
 * The progress of one prompt, as {@link reduceProgress} folds ComfyUI's messages into it. Immutable: the
 * reducer returns a new object for every change (and the same object when a message changes nothing).
 */
export interface ProgressState {
  /** The prompt this state follows; frames that name another prompt are ignored. */
  readonly promptId: string | null
  readonly phase: ProgressPhase
  /** The workflow's nodes, weights and step names; shared by every state of the prompt. */
  readonly plan: ProgressPlan
  /**
   * The progress of each workflow node, at its `plan.nodes.get(id).index`; `null` until it starts or is
   * cached. (An array, not a map: it is copied on every change, and arrays copy fastest.)
   */
  readonly nodes: readonly (NodeProgress | null)[]
  /** Nodes outside the workflow that reported progress (server-side expansions such as `5.0.0.3`), by id. */
  readonly otherNodes: ReadonlyMap<ComfyNodeId, NodeProgress>
  /** Work done, in sampler steps (see `plan.totalWeight`). */
  readonly work: number
  /** Whole-prompt completion, an integer 0–100: weighted by expected work, never decreasing, 99 at most until success. */
  readonly percentage: number
  readonly currentNode: CurrentNode | null
  /** "Waiting in queue...", "Starting...", the running node's step, "Complete", "Failed" or "Cancelled". */
  readonly currentStep: string
  /** The running node's progress bar (e.g. sampler step 9 of 20); 0 of 0 when it reports none. */
  readonly currentValue: number
  readonly maxValue: number
  /** Seconds left, from the measured pace; `null` while unknown (and after an error or interrupt); 0 on success. */
  readonly eta: number | null
  /** Seconds since the prompt started running (ComfyUI's `execution_start`, or its first node). */
  readonly elapsed: number
  /** `now` (ms) when the prompt started running, `null` while queued. */
  readonly startedAt: number | null
  /** `now` (ms) of the last message that changed this state, `null` before any. */
  readonly updatedAt: number | null
  readonly outputs: ProgressOutputs
  /** How the prompt ended; `null` while it has not. */
  readonly outcome: ProgressOutcome | null
  /** The measured pace, for the ETA. */
  readonly rate: RateEstimate
  /** Tuning of the pace measurement. */
  readonly rateOptions: RateOptions
  /** Whether the server sends `progress_state` snapshots (0.3.45+); older servers get inferred node finishes. */
  readonly hasSnapshots: boolean
  /** `max` of the latest real progress bar (e.g. the sampler's 20), shown as "20 of 20" on completion. */
  readonly lastBarMax: number
  /**
   * A node that was already running when this state joined the prompt mid-run (e.g. a reconnect replay
   * was its first message): its first bar report covers work done unseen, so it is not timed.
   */
  readonly unmeasuredNode: ComfyNodeId | null
}

/** The `currentStep` of each phase that is not a running node. Frozen. */
export const PHASE_STEP_NAMES = Object.freeze({
  queued: 'Waiting in queue...',
  starting: 'Starting...',
  success: 'Complete',
  error: 'Failed',
  interrupted: 'Cancelled',
})

/** Options of {@link initialProgressState}. */
export interface InitialProgressStateOptions {
  /** The workflow submitted to ComfyUI, in API format. */
  readonly workflow: ComfyWorkflow
  /**
   * The server's `GET /object_info`, for output nodes and display names.
   * @default null
   */
  readonly objectInfo?: ComfyObjectInfo | null
  /**
   * The prompt's id, if known (you can choose it yourself and send it with `POST /prompt`).
   * When `null`, the state adopts the first `prompt_id` it is fed.
   * @default null
   */
  readonly promptId?: string | null
  /**
   * Work per class type, in sampler steps, over `NODE_WEIGHTS`.
   * @default NODE_WEIGHTS
   */
  readonly weights?: Readonly<Record<string, number>>
  /**
   * Step names per class type, replacing the default table.
   * @default NODE_STEP_NAMES
   */
  readonly stepNames?: Readonly<Record<string, string>>
  /**
   * Tuning of the ETA's pace measurement.
   * @default rateDefaults
   */
  readonly rate?: RateOptions
}

/**
 * The progress of a prompt that has been submitted and not started: phase `queued`, 0%, "Waiting in
 * queue...". Builds the prompt's plan once: which nodes will run (output nodes and what they depend on)
 * and how much work each is (a sampler weighs its steps).
 *
 * @example
 * ```ts
 * let state = initialProgressState({ workflow, objectInfo, promptId })
 * client.on('message', (message) => {
 *   const next = reduceProgress(state, message, Date.now())
 *   if (next !== state) publish(createTaskEvent(taskId, (state = next)))
 * })
 * ```
 */
export function initialProgressState(options: InitialProgressStateOptions): ProgressState {
  const plan = planProgress(options.workflow, {
    objectInfo: options.objectInfo ?? null,
    ...(options.weights ? { weights: options.weights } : {}),
    ...(options.stepNames ? { stepNames: options.stepNames } : {}),
  })
  return {
    promptId: options.promptId ?? null,
    phase: 'queued',
    plan,
    nodes: new Array<NodeProgress | null>(plan.nodes.size).fill(null),
    otherNodes: new Map(),
    work: 0,
    percentage: 0,
    currentNode: null,
    currentStep: PHASE_STEP_NAMES.queued,
    currentValue: 0,
    maxValue: 0,
    eta: null,
    elapsed: 0,
    startedAt: null,
    updatedAt: null,
    outputs: {},
    outcome: null,
    rate: UNMEASURED_RATE,
    rateOptions: options.rate ?? {},
    hasSnapshots: false,
    lastBarMax: 0,
    unmeasuredNode: null,
  }
}
