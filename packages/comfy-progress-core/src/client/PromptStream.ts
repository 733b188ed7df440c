import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyNodeOutput } from '../protocol/ComfyMessage.js'
import type { PromptEvent, PromptListener, PromptOutcome } from './PromptEvent.js'

/** Limits and hooks shared by every {@link PromptStream}. */
export interface PromptStreamOptions {
  /** Events kept until the first follower arrives (the oldest frames are dropped first). */
  readonly bufferSize: number
  /** A listener threw. */
  readonly onListenerError: (error: ComfyProgressError) => void
}

/**
 * One tracked prompt: its followers, the events buffered until the first follower arrives (at most
 * `bufferSize`, keeping only the latest preview image), the outputs of its `executed` frames, and
 * whether it has ended. Emits `end` exactly once; a listener
 * that throws is reported and does not stop the others.
 */
export class PromptStream {
  /** The prompt id (changes only when an old server ignores the posted id). */
  id: string
  /** `POST /prompt` answered (or followed by id): reconciliation may judge it. */
  accepted: boolean
  /** The socket was down at some point while the prompt was tracked: frames may be missing. */
  gap: boolean
  /** A terminal frame was seen (or an end decided): later terminal candidates are ignored. */
  terminal = false
  /** `end` was emitted. */
  ended = false
  /** Outputs of the `executed` frames seen live. */
  readonly outputs: Record<string, ComfyNodeOutput> = {}
  readonly #options: PromptStreamOptions
  readonly #listeners: PromptListener[] = []
  readonly #endWaiters: ((outcome: PromptOutcome) => void)[] = []
  /** Events waiting for the first follower; `null` once one came. */
  #buffer: PromptEvent[] | null = []

  constructor(id: string, state: { accepted: boolean; gap: boolean }, options: PromptStreamOptions) {
    this.id = id
    this.accepted = state.accepted
    this.gap = state.gap
    this.#options = options
  }

  /** Nobody listens and nobody waits for the end: the prompt can be forgotten. */
  get idle(): boolean {
    return this.#listeners.length === 0 && this.#endWaiters.length === 0
  }

  /** Ended before any follower came: its buffered events (end included) still wait for one. */
  get unclaimed(): boolean {
    return this.#buffer !== null
  }

  /** Adds a follower; events buffered so far are replayed to it first. */
  attach(listener: PromptListener): void {
    this.#listeners.push(listener)
    const buffered = this.#buffer
    this.#buffer = null
    if (buffered !== null) for (const event of buffered) this.#call(listener, event)
  }

  /** Removes a follower; returns false if it was not one. */
  detach(listener: PromptListener): boolean {
    const index = this.#listeners.indexOf(listener)
    if (index === -1) return false
    this.#listeners.splice(index, 1)
    return true
  }

  /** A promise of the outcome (never rejects). */
  waitForEnd(): Promise<PromptOutcome> {
    return new Promise((resolve) => this.#endWaiters.push(resolve))
  }

  /** Delivers an event to the followers, or buffers it. */
  emit(event: PromptEvent): void {
    const buffer = this.#buffer
    if (buffer !== null) {
      // Previews are big (~100 KB each) and only the latest matters to a follower that arrives late.
      if (event.type === 'message' && event.message.type === 'preview_image') {
        const previous = buffer.findIndex((e) => e.type === 'message' && e.message.type === 'preview_image')
        if (previous !== -1) buffer.splice(previous, 1)
      }
      buffer.push(event)
      if (buffer.length > this.#options.bufferSize) {
        const oldestFrame = buffer.findIndex((e) => e.type === 'message')
        if (oldestFrame !== -1) buffer.splice(oldestFrame, 1)
      }
      return
    }
    const listeners = this.#listeners
    if (listeners.length === 1) this.#call(listeners[0]!, event)
    // A listener may unsubscribe (or subscribe) while being called: iterate over a copy.
    else for (const listener of [...listeners]) this.#call(listener, event)
  }

  /** Emits `end` and resolves the waiters, once; returns false if the prompt had already ended. */
  end(outcome: PromptOutcome): boolean {
    if (this.ended) return false
    this.terminal = true
    this.ended = true
    this.emit({ type: 'end', promptId: this.id, outcome })
    for (const resolve of this.#endWaiters.splice(0)) resolve(outcome)
    return true
  }

  #call(listener: PromptListener, event: PromptEvent): void {
    try {
      listener(event)
    } catch (cause) {
      this.#options.onListenerError(
        new ComfyProgressError('CLIENT_LISTENER_FAILED', undefined, {
          details: { promptId: this.id },
          cause,
        }),
      )
    }
  }
}
