/**
 * The task event: the one payload comfy-progress sends to browsers (SSE) and to other servers
 * (webhooks). Its three original shapes — in progress, completed, error — are the public contract of
 * the design document (`seeds/000`): every field they name keeps its name and meaning. `queued` and
 * `cancelled`, and the fields marked "additive", were added later and are optional for consumers.
 *
 * Types only; `createTaskEvent.ts` builds events and `parseTaskEvent.ts` validates incoming ones.
 *
 * @module
 */

/** Where a task stands. `in-progress`, `completed` and `error` are the design document's; the rest are additive. */
export type TaskStatus = 'queued' | 'in-progress' | 'completed' | 'error' | 'cancelled'

/** Statuses after which a task never changes again. */
export type TerminalTaskStatus = 'completed' | 'error' | 'cancelled'

/** The progress block every task event carries. */
export interface TaskProgress {
  /** Whole-workflow completion, an integer from 0 to 100; never decreases; 100 only on completion. */
  readonly percentage: number
  /** A human name for what runs now: "Sampling image...", "Complete", "Failed". */
  readonly currentStep: string
  /** Value of the running node's progress bar (e.g. sampler step 9). */
  readonly currentValue: number
  /** Maximum of the running node's progress bar (e.g. 20 steps). */
  readonly maxValue: number
}

/** The node that runs now (additive). */
export interface TaskNode {
  /** ComfyUI's node id (the display id). */
  readonly id: string
  /** The node's `class_type`, e.g. `KSampler`; `null` when unknown. */
  readonly classType: string | null
}

/** Where to fetch the latest live preview of a running task (additive). */
export interface TaskPreview {
  /** A URL on the app's own server, never on ComfyUI. */
  readonly url: string
}

/**
 * The result of a completed task. The named fields are the design document's; an app may add its own,
 * which pass through untouched.
 */
export interface TaskResult {
  /** The image, on the app's own server (`/image/...`), never a ComfyUI URL. */
  readonly imageUrl: string
  readonly description?: string
  readonly prompt?: string
  readonly seed?: number
  readonly name?: string
  readonly workflow?: string
  readonly inpaint?: boolean
  readonly inpaintArea?: unknown
  readonly uid?: number
  readonly [field: string]: unknown
}

/** What went wrong, in words for a person: ComfyUI's message and node, never its tracebacks or paths. */
export interface TaskError {
  readonly message: string
  readonly details: string
  /** Additive: a code from comfy-progress's error table, for programs. */
  readonly code?: string
}

interface TaskEventBase {
  /** The task's id: at least 128 random bits, URL-safe. */
  readonly taskId: string
  readonly progress: TaskProgress
  /** When the event was produced, ISO 8601 (`2025-11-25T12:34:56.789Z`). */
  readonly timestamp: string
  /** Additive: seconds left, from the observed step rate; `null` while unknown (never a guess). */
  readonly eta?: number | null
  /** Additive: prompts ahead of this one in ComfyUI's queue; 0 when next; `null` once running. */
  readonly queuePosition?: number | null
  /** Additive: the node that runs now. */
  readonly node?: TaskNode | null
  /** Additive: where the live preview image is. */
  readonly preview?: TaskPreview | null
}

/** Waiting in ComfyUI's queue (additive). */
export interface QueuedTaskEvent extends TaskEventBase {
  readonly status: 'queued'
}

/** Running. */
export interface InProgressTaskEvent extends TaskEventBase {
  readonly status: 'in-progress'
}

/** Finished with a result. */
export interface CompletedTaskEvent extends TaskEventBase {
  readonly status: 'completed'
  readonly result: TaskResult
}

/** Failed. */
export interface ErrorTaskEvent extends TaskEventBase {
  readonly status: 'error'
  readonly error: TaskError
}

/** Cancelled by a user: removed from the queue or interrupted (additive). */
export interface CancelledTaskEvent extends TaskEventBase {
  readonly status: 'cancelled'
}

/** Every task event, discriminated by `status`. */
export type TaskEvent =
  QueuedTaskEvent | InProgressTaskEvent | CompletedTaskEvent | ErrorTaskEvent | CancelledTaskEvent
