import type { TaskEvent } from '@comfy-progress/core'

/**
 * What the server keeps about one task besides its events: the design document's task metadata
 * (prompt, workflow, client and prompt ids) plus fields the app supplies, which pass through untouched.
 */
export interface TaskMetadata {
  /** The generation's prompt text, as the app sent it. */
  readonly prompt?: string
  /** The workflow's name (not the workflow graph). */
  readonly workflow?: string
  /** The ComfyUI `client_id` the prompt was submitted with. */
  readonly clientId?: string
  /** ComfyUI's `prompt_id`, once the prompt is submitted. */
  readonly promptId?: string
  /** The id of the ComfyUI backend the task runs on (TaskManager `backends`). */
  readonly backend?: string
  /** Fields the app supplies (seed, uid, inpaint area…); the store never reads them. */
  readonly app?: Readonly<Record<string, unknown>>
}

/**
 * One event of a task's log, with its per-task sequence number. The same object is the task's
 * `latest`, an entry of `eventsAfter` and the message published on the {@link EventBus}, so consumers
 * may cache what they derive from it (the SSE frame) per object.
 */
export interface StoredTaskEvent {
  readonly taskId: string
  /** Position in the task's log: 1 for the first event, strictly increasing, never reused. */
  readonly seq: number
  readonly event: TaskEvent
}

/** A task as the store holds it. */
export interface TaskRecord {
  readonly taskId: string
  readonly metadata: TaskMetadata
  /** When the task was created (its start time), in ms since the epoch, by the store's clock. */
  readonly createdAt: number
  /** The latest event, i.e. the task's current state; `null` until the first event is appended. */
  readonly latest: StoredTaskEvent | null
  /** When a terminal event was appended; `null` while the task is live. */
  readonly finishedAt: number | null
  /** When the finished task will be forgotten; `null` while the task is live. */
  readonly expiresAt: number | null
}

/** The latest live preview image of a running task. */
export interface TaskPreviewImage {
  /** The encoded image. */
  readonly bytes: Uint8Array
  /** Its MIME type, e.g. `image/jpeg`. */
  readonly mimeType: string
  /** 1 for the task's first preview, then 2, 3…: lets URLs change when the picture does. */
  readonly version: number
}

/** Input of {@link TaskStore.create}. */
export interface NewTask {
  /** An id from `createTaskId()`. */
  readonly taskId: string
  readonly metadata?: TaskMetadata
}

/**
 * Where tasks, their latest state and their event logs live. Every method is asynchronous so that a
 * shared store (Redis) implements the same interface as {@link MemoryTaskStore}; every implementation
 * runs the one contract suite in `test/contracts/taskStore.contract.ts`.
 *
 * Rules every implementation keeps:
 * - `append` is atomic per task: it assigns the next sequence number (1, 2, 3…), stores the event as
 *   the task's latest state and adds it to the log, all or nothing.
 * - After a terminal event (`completed`, `error`, `cancelled`) the task accepts no more events
 *   (`TASK_FINISHED`) and expires after the store's time to live; for a while after that, `isExpired`
 *   tells an expired task from one that never existed.
 * - The number of live (unfinished) tasks is capped (`TOO_MANY_TASKS`).
 * - The log may be compacted: an `in-progress` event followed by another event of the same status may
 *   be dropped. Status changes and the latest event are always kept.
 *
 * Rejections are always a `ComfyProgressError` with a code from the table.
 */
export interface TaskStore {
  /**
   * Creates a task with no events yet.
   * Rejects with `TOO_MANY_TASKS` at the live-task cap, `TASK_ID_CONFLICT` if the id is taken,
   * `INVALID_TASK_IDS` if it is not a task id.
   */
  create(task: NewTask): Promise<TaskRecord>
  /** The task, or `undefined` if it is unknown or expired. */
  get(taskId: string): Promise<TaskRecord | undefined>
  /** Whether the task existed and expired recently (the store remembers expired ids for a while). */
  isExpired(taskId: string): Promise<boolean>
  /**
   * Merges `patch` into the task's metadata (e.g. the `promptId` once ComfyUI accepted the prompt).
   * Rejects with `TASK_NOT_FOUND` or `TASK_EXPIRED`.
   */
  updateMetadata(taskId: string, patch: TaskMetadata): Promise<TaskRecord>
  /**
   * Appends `event` to the task's log and makes it the task's latest state; resolves with the stored
   * entry and its sequence number. Rejects with `TASK_NOT_FOUND` or `TASK_EXPIRED`, `TASK_FINISHED`
   * (the task already ended) or `TASK_EVENT_INVALID` (the event names another task).
   */
  append(taskId: string, event: TaskEvent): Promise<StoredTaskEvent>
  /**
   * The logged events with a sequence number greater than `afterSeq`, oldest first (all of them for
   * 0): what a client that resumes with `Last-Event-ID` missed. Rejects with `TASK_NOT_FOUND` or
   * `TASK_EXPIRED`, and with `INVALID_LAST_EVENT_ID` if `afterSeq` is not a whole number ≥ 0.
   */
  eventsAfter(taskId: string, afterSeq: number): Promise<readonly StoredTaskEvent[]>
  /**
   * Replaces the task's preview image (only the latest is kept) and resolves with its version.
   * Previews of finished tasks are dropped: the result replaces them. Rejects with `TASK_NOT_FOUND` or
   * `TASK_EXPIRED`.
   */
  putPreview(
    taskId: string,
    image: { readonly bytes: Uint8Array; readonly mimeType: string },
  ): Promise<number>
  /** The task's latest preview image, or `undefined` if it has none (or is unknown, expired or finished). */
  getPreview(taskId: string): Promise<TaskPreviewImage | undefined>
  /** Counts of live and finished (not yet expired) tasks, for health checks and metrics. */
  count(): Promise<{ readonly live: number; readonly finished: number }>
}
