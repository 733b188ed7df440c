import {
  type ComfyProgressError,
  computeBackoffDelay,
  createTaskEvent,
  type CreateTaskEventOptions,
  errorCodes,
  initialProgressState,
  type ProgressState,
  type PromptEvent,
  type PromptOutcome,
  isComfyProgressError,
  reduceProgress,
  type TaskEvent,
  type TaskResult,
} from '@comfy-progress/core'
import type { EventBus } from '../store/EventBus.js'
import type { StoredTaskEvent, TaskStore } from '../store/TaskStore.js'
import { describeSubmitFailure } from './describeSubmitFailure.js'
import { isTerminalEvent } from './isTerminalEvent.js'
import type { CreateTaskRequest, TaskManagerOptions } from './TaskManagerOptions.js'

/** What a {@link TaskRun} needs from its TaskManager. */
export interface TaskRunContext {
  readonly store: TaskStore
  readonly bus: EventBus
  readonly now: () => number
  readonly objectInfo: TaskManagerOptions['objectInfo']
  readonly exposeInternals: boolean
  readonly previewUrl: (taskId: string, version: number) => string
  /** The completed event's result for the prompt's outputs, or `null` if it produced no image. */
  readonly buildResult: (
    request: CreateTaskRequest,
    outputs: Extract<PromptOutcome, { status: 'success' }>['outputs'],
  ) => TaskResult | null
  readonly onError: (error: unknown, taskId: string) => void
  /** Called once the terminal event is written (or could not be). */
  readonly onEnded: (taskId: string) => void
  /**
   * The task's latest stored event when this run takes over a task another instance followed: its
   * percentage is the floor of this run's, so progress never goes backwards across the handover.
   * @default null (a new task)
   */
  readonly resumeFrom?: TaskEvent | null
}

/** Attempts at writing a terminal event while the store is unavailable (about 2 minutes in all). */
const TERMINAL_WRITE_ATTEMPTS = 8

/**
 * One task being followed on ComfyUI: folds its prompt's frames into a progress state with core's
 * reducer, turns every change into a task event, and writes the events to the store and the bus
 * strictly in order (one write after the other, never waiting inside ComfyClient's listener).
 */
export class TaskRun {
  readonly taskId: string
  readonly #request: CreateTaskRequest
  readonly #context: TaskRunContext
  #state: ProgressState
  #writes: Promise<void> = Promise.resolve()
  #preview: { url: string } | null = null
  #ended = false
  /** Whether an append of this run rejected (so that a retry may find its entry written). */
  #appendFailed = false
  /** ComfyUI's prompt id, once the submit was accepted. */
  promptId: string | null = null

  constructor(taskId: string, request: CreateTaskRequest, context: TaskRunContext) {
    this.taskId = taskId
    this.#request = request
    this.#context = context
    const state = initialProgressState({ workflow: request.workflow, objectInfo: context.objectInfo ?? null })
    const floor = context.resumeFrom?.progress.percentage ?? 0
    this.#state = floor > 0 ? { ...state, percentage: Math.min(99, floor) } : state
  }

  /** Whether the terminal event has been emitted. */
  get ended(): boolean {
    return this.#ended
  }

  /** Emits the first event: `queued`, 0%. */
  start(): Promise<void> {
    this.#emit(this.#event())
    return this.#writes
  }

  /** The prompt's events from ComfyClient. */
  readonly onPromptEvent = (event: PromptEvent): void => {
    if (this.#ended) return
    if (event.type === 'end') {
      this.#finish(event.outcome)
      return
    }
    if (event.type !== 'message') return
    const message = event.message
    if (message.type === 'preview_image') {
      this.#storePreview(message.image.slice(), message.mimeType)
      return
    }
    const next = reduceProgress(this.#state, message, this.#context.now())
    if (next === this.#state) return
    this.#state = next
    // Terminal phases are written on `end`, which carries the outputs and comes exactly once.
    if (next.phase === 'queued' || next.phase === 'running') this.#emit(this.#event())
  }

  /** The submit failed (validation, unreachable ComfyUI…): the task ends with an `error` event. */
  submitFailed(error: ComfyProgressError): void {
    if (this.#ended) return
    this.#ended = true
    this.#end(this.#event({ error: { details: describeSubmitFailure(error), code: error.code } }))
  }

  /**
   * The task's ComfyUI backend has been unreachable too long: the task ends with an `error` event
   * with `error`'s code, and its message as the details.
   */
  backendLost(error: ComfyProgressError): void {
    if (this.#ended) return
    this.#ended = true
    this.#end(this.#event({ error: { details: error.message, code: error.code } }))
  }

  /** Ends the task as `cancelled` (a prompt removed from the queue, or a cancel before the submit). */
  cancelled(): void {
    if (this.#ended) return
    this.#ended = true
    this.#end(this.#event({ cancelled: true }))
  }

  /**
   * Stops following without writing anything more: another instance owns the task now (or ended it).
   * The run counts as ended; `onEnded` is not called.
   */
  abandon(): void {
    this.#ended = true
  }

  /** Resolves once every event emitted so far is written. */
  settled(): Promise<void> {
    return this.#writes
  }

  #finish(outcome: PromptOutcome): void {
    this.#ended = true
    // A prompt reconciled from history never sent its terminal frame live: fold it in now.
    if ('message' in outcome && outcome.message !== null) {
      this.#state = reduceProgress(this.#state, outcome.message, this.#context.now())
    }
    switch (outcome.status) {
      case 'success': {
        const result = this.#context.buildResult(this.#request, outcome.outputs)
        if (result === null) {
          this.#end(this.#event({ error: { details: 'The workflow finished without an output image.' } }))
          return
        }
        const state: ProgressState =
          this.#state.phase === 'success' ? this.#state : { ...this.#state, phase: 'success' }
        this.#end(createTaskEvent(this.taskId, state, { ...this.#common(), result }))
        return
      }
      case 'error':
        this.#end(this.#state.phase === 'error' ? this.#event() : this.#event({ error: {} }))
        return
      case 'interrupted':
      case 'cancelled':
        this.#end(this.#event({ cancelled: true }))
        return
      case 'abandoned':
        this.#end(
          this.#event({ error: { details: errorCodes[outcome.error.code], code: outcome.error.code } }),
        )
        return
    }
  }

  #common(): CreateTaskEventOptions {
    // A finished task has no live preview any more (the store drops it): terminal events say so.
    const preview = this.#ended ? null : this.#preview
    return {
      now: this.#context.now(),
      exposeInternals: this.#context.exposeInternals,
      ...(preview === null && !this.#ended ? {} : { preview }),
    }
  }

  #event(options: CreateTaskEventOptions = {}): TaskEvent {
    return createTaskEvent(this.taskId, this.#state, { ...this.#common(), ...options })
  }

  #storePreview(bytes: Uint8Array, mimeType: string): void {
    const { store, previewUrl, onError } = this.#context
    store.putPreview(this.taskId, { bytes, mimeType }).then(
      (version) => {
        if (!this.#ended) this.#preview = { url: previewUrl(this.taskId, version) }
      },
      (error: unknown) => onError(error, this.taskId),
    )
  }

  /** Writes the terminal event (built after `#ended` was set, so without a preview). */
  #end(event: TaskEvent): void {
    this.#emit(event)
    void this.#writes.then(() => this.#context.onEnded(this.taskId))
  }

  /**
   * Appends `event`. After an attempt whose answer was lost (the store became unavailable), a retry of
   * the terminal event may find it written already: the stored entry is then the answer.
   */
  async #append(event: TaskEvent): Promise<StoredTaskEvent> {
    const store = this.#context.store
    try {
      return await store.append(this.taskId, event)
    } catch (error) {
      if (isComfyProgressError(error, 'TASK_FINISHED') && this.#appendFailed) {
        const latest = (await store.get(this.taskId))?.latest
        if (latest?.event.status === event.status && latest.event.timestamp === event.timestamp) return latest
      }
      if (isComfyProgressError(error, 'STORE_UNAVAILABLE')) this.#appendFailed = true
      throw error
    }
  }

  #emit(event: TaskEvent): void {
    const { bus, onError } = this.#context
    // A progress event that cannot be written is superseded by the next one; a terminal event is
    // retried while the store is unavailable (Redis restarting), or the task would never end.
    const attempts = isTerminalEvent(event) ? TERMINAL_WRITE_ATTEMPTS : 1
    this.#writes = this.#writes.then(async () => {
      try {
        const stored = await retryUnavailable(() => this.#append(event), attempts)
        await retryUnavailable(() => bus.publish(stored), attempts)
      } catch (error) {
        onError(error, this.taskId)
      }
    })
  }
}

/** Runs `operation`, again after a backoff delay while it rejects with `STORE_UNAVAILABLE`. */
async function retryUnavailable<T extends StoredTaskEvent | void>(
  operation: () => Promise<T>,
  attempts: number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (attempt + 1 >= attempts || !isComfyProgressError(error, 'STORE_UNAVAILABLE')) throw error
      await new Promise((resolve) => setTimeout(resolve, computeBackoffDelay(attempt)))
    }
  }
}
