import {
  type ComfyProgressError,
  createTaskEvent,
  type CreateTaskEventOptions,
  errorCodes,
  initialProgressState,
  type ProgressState,
  type PromptEvent,
  type PromptOutcome,
  reduceProgress,
  type TaskEvent,
  type TaskResult,
} from '@comfy-progress/core'
import type { EventBus } from '../store/EventBus.js'
import type { TaskStore } from '../store/TaskStore.js'
import { describeSubmitFailure } from './describeSubmitFailure.js'
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
}

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
  /** ComfyUI's prompt id, once the submit was accepted. */
  promptId: string | null = null

  constructor(taskId: string, request: CreateTaskRequest, context: TaskRunContext) {
    this.taskId = taskId
    this.#request = request
    this.#context = context
    this.#state = initialProgressState({ workflow: request.workflow, objectInfo: context.objectInfo ?? null })
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

  /** Ends the task as `cancelled` (a prompt removed from the queue, or a cancel before the submit). */
  cancelled(): void {
    if (this.#ended) return
    this.#ended = true
    this.#end(this.#event({ cancelled: true }))
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

  #emit(event: TaskEvent): void {
    const { store, bus, onError } = this.#context
    this.#writes = this.#writes.then(async () => {
      try {
        await bus.publish(await store.append(this.taskId, event))
      } catch (error) {
        onError(error, this.taskId)
      }
    })
  }
}
