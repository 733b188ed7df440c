import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyMessage, ComfyNodeOutput } from '../protocol/ComfyMessage.js'
import { liveOutcome, mergeOutput } from './promptOutcome.js'
import type { PromptEvent, PromptListener, PromptOutcome, Unsubscribe } from './PromptEvent.js'
import { UnclaimedFrames } from './UnclaimedFrames.js'

/** What {@link PromptRouter} needs from its owner. */
export interface PromptRouterOptions {
  /** Events kept per prompt until its first follower arrives (the oldest frames are dropped first). */
  readonly bufferSize: number
  /** Frames of unknown prompts: how long they are kept and how many. */
  readonly unclaimedTtlMs: number
  readonly now: () => number
  /** A terminal frame arrived live; the owner ends the prompt (at once, or after checking history). */
  readonly onTerminal: (promptId: string, outcome: PromptOutcome, gap: boolean) => void
  /** A listener threw. */
  readonly onListenerError: (error: ComfyProgressError) => void
}

interface PromptEntry {
  readonly id: string
  readonly listeners: PromptListener[]
  /** Events waiting for the first follower; `null` once one came. */
  buffer: PromptEvent[] | null
  readonly endWaiters: ((outcome: PromptOutcome) => void)[]
  /** `POST /prompt` answered (or followed by id): reconciliation may judge it. */
  accepted: boolean
  /** The socket was down at some point while the prompt was tracked: frames may be missing. */
  gap: boolean
  /** A terminal frame was seen (or an end decided); later terminal candidates are ignored. */
  terminal: boolean
  ended: boolean
  readonly outputs: Record<string, ComfyNodeOutput>
}

const RECENTLY_ENDED = 512
const MAX_HELD = 64
const MAX_UNCLAIMED_ENDED = 256

/**
 * Routes parsed frames to the prompts they belong to and keeps the per-prompt state of
 * {@link ComfyClient}: by `data.prompt_id`; type-4 previews by their metadata's `prompt_id`; frames
 * that carry no prompt id (type-1 previews, progress text, id-less `progress`, and the reconnect
 * replay `executing {node}`) to the prompt that is running. Delivers each prompt's events in order,
 * buffers them until a first follower arrives, and emits `end` exactly once.
 */
export class PromptRouter {
  readonly #options: PromptRouterOptions
  readonly #entries = new Map<string, PromptEntry>()
  readonly #recentlyEnded = new Set<string>()
  readonly #unclaimedEnded: string[] = []
  readonly #unclaimed: UnclaimedFrames
  #running: string | null = null
  #held: ComfyMessage[] | null = null

  constructor(options: PromptRouterOptions) {
    this.#options = options
    this.#unclaimed = new UnclaimedFrames({
      ttlMs: options.unclaimedTtlMs,
      maxPrompts: 64,
      maxFramesPerPrompt: 64,
      now: options.now,
    })
  }

  /** The prompt ComfyUI is running, as far as the frames tell; `null` if none or unknown. */
  get running(): string | null {
    return this.#running
  }

  /** Starts tracking a prompt about to be submitted. Throws `PROMPT_ID_CONFLICT` if already tracked. */
  track(
    promptId: string,
    options: { readonly gap: boolean; readonly listener?: PromptListener },
  ): Promise<PromptOutcome> {
    if (this.#entries.has(promptId)) {
      throw new ComfyProgressError('PROMPT_ID_CONFLICT', undefined, { details: { promptId } })
    }
    const entry = this.#create(promptId, false, options.gap)
    if (options.listener) this.#attach(entry, options.listener)
    return new Promise((resolve) => entry.endWaiters.push(resolve))
  }

  /** `POST /prompt` accepted the prompt. */
  accept(promptId: string): void {
    const entry = this.#entries.get(promptId)
    if (entry) entry.accepted = true
  }

  /** `POST /prompt` failed: forget the prompt without an `end` (the submit call reports the failure). */
  forget(promptId: string): void {
    this.#entries.delete(promptId)
  }

  /**
   * Adds a follower. For an unknown id, tracking starts (with frames that arrived shortly before) and
   * `isNew` is true, so the owner can check the prompt's state on the server.
   */
  follow(
    promptId: string,
    listener: PromptListener,
    gap: boolean,
  ): { unsubscribe: Unsubscribe; isNew: boolean } {
    let entry = this.#entries.get(promptId)
    const isNew = entry === undefined
    if (entry === undefined) {
      entry = this.#create(promptId, true, gap)
      for (const message of this.#unclaimed.take(promptId)) this.#deliver(entry, message)
    }
    const target = entry
    this.#attach(target, listener)
    return {
      isNew,
      unsubscribe: () => {
        const index = target.listeners.indexOf(listener)
        if (index === -1) return
        target.listeners.splice(index, 1)
        if (target.listeners.length === 0 && target.endWaiters.length === 0) this.#entries.delete(target.id)
      },
    }
  }

  /** Routes one frame. Returns the prompt id it was delivered to, or `null`. */
  route(message: ComfyMessage): string | null {
    let promptId: string | null | undefined
    switch (message.type) {
      case 'status':
      case 'feature_flags':
      case 'unknown':
      case 'unknown_binary':
        return null
      case 'preview_image':
        promptId = message.eventType === 4 ? message.metadata?.prompt_id : this.#runningOrHold(message)
        break
      case 'progress_text':
        promptId = this.#runningOrHold(message)
        break
      case 'executing':
      case 'progress':
        promptId = message.data.prompt_id ?? this.#runningOrHold(message)
        break
      default:
        promptId = message.data.prompt_id
    }
    if (typeof promptId !== 'string') return null
    if (message.type === 'execution_start' || (message.type === 'executing' && message.data.node !== null)) {
      this.#running = promptId
    }
    const entry = this.#entries.get(promptId)
    if (entry === undefined || entry.ended) {
      if (!this.#recentlyEnded.has(promptId) && entry === undefined) this.#unclaimed.add(promptId, message)
      return null
    }
    this.#deliver(entry, message)
    return promptId
  }

  /** Ends a prompt: emits `end` once and stops tracking it. Returns false if it had already ended. */
  end(promptId: string, outcome: PromptOutcome): boolean {
    const entry = this.#entries.get(promptId)
    if (entry === undefined || entry.ended) return false
    entry.terminal = true
    entry.ended = true
    if (this.#running === promptId) this.#running = null
    this.#emit(entry, { type: 'end', promptId, outcome })
    for (const resolve of entry.endWaiters.splice(0)) resolve(outcome)
    this.#recentlyEnded.add(promptId)
    if (this.#recentlyEnded.size > RECENTLY_ENDED)
      this.#recentlyEnded.delete(this.#recentlyEnded.values().next().value!)
    if (entry.buffer === null) this.#entries.delete(promptId)
    else this.#keepUnclaimedEnd(promptId)
    return true
  }

  /** Tells a prompt's followers that it is still queued after a reconnect. */
  resumed(promptId: string, state: 'running' | 'pending', position: number): void {
    const entry = this.#entries.get(promptId)
    if (entry && !entry.terminal) this.#emit(entry, { type: 'resumed', promptId, state, position })
  }

  /** Whether the socket was down at some point while `promptId` was tracked. */
  hasGap(promptId: string): boolean {
    return this.#entries.get(promptId)?.gap === true
  }

  /**
   * ComfyUI answered with another id than the one posted (servers before 0.3.45 ignore `prompt_id`):
   * re-key the prompt, and take the frames that already arrived under the server's id.
   */
  rename(from: string, to: string): void {
    const entry = this.#entries.get(from)
    if (entry === undefined || from === to || this.#entries.has(to)) return
    this.#entries.delete(from)
    const renamed: PromptEntry = { ...entry, id: to }
    this.#entries.set(to, renamed)
    for (const message of this.#unclaimed.take(to)) this.#deliver(renamed, message)
  }

  /** Whether a prompt has not reached its end yet, and whether its end was already decided. */
  isOpen(promptId: string): boolean {
    const entry = this.#entries.get(promptId)
    return entry !== undefined && !entry.terminal
  }

  /** Ids of accepted prompts that have not ended: the ones reconciliation checks. */
  openAcceptedIds(): string[] {
    const ids: string[] = []
    for (const entry of this.#entries.values()) if (entry.accepted && !entry.terminal) ids.push(entry.id)
    return ids
  }

  /** The socket went down: every open prompt may miss frames; id-less frames are held until {@link release}. */
  disconnected(): void {
    for (const entry of this.#entries.values()) if (!entry.terminal) entry.gap = true
    this.#running = null
    this.#held = []
  }

  /** Reconciliation learnt the running prompt: route the frames held since the reconnect. */
  release(running: string | null): void {
    const held = this.#held ?? []
    this.#held = null
    if (running !== null) this.#running = running
    for (const message of held) this.route(message)
  }

  /** Ends every open prompt with `error` (the client is closing). */
  endAll(error: ComfyProgressError): void {
    for (const id of [...this.#entries.keys()]) this.end(id, { status: 'abandoned', error })
    this.#entries.clear()
    this.#unclaimed.clear()
    this.#held = null
  }

  #runningOrHold(message: ComfyMessage): string | null {
    if (this.#held !== null) {
      if (this.#held.length < MAX_HELD) this.#held.push(message)
      return null
    }
    return this.#running
  }

  #create(id: string, accepted: boolean, gap: boolean): PromptEntry {
    const entry: PromptEntry = {
      id,
      listeners: [],
      buffer: [],
      endWaiters: [],
      accepted,
      gap,
      terminal: false,
      ended: false,
      outputs: {},
    }
    this.#entries.set(id, entry)
    return entry
  }

  #attach(entry: PromptEntry, listener: PromptListener): void {
    entry.listeners.push(listener)
    const buffered = entry.buffer
    entry.buffer = null
    if (buffered !== null) for (const event of buffered) this.#call(listener, event)
    if (entry.ended) this.#entries.delete(entry.id)
  }

  #deliver(entry: PromptEntry, message: ComfyMessage): void {
    if (message.type === 'executed') mergeOutput(entry.outputs, message.data.node, message.data.output)
    this.#emit(entry, { type: 'message', promptId: entry.id, message })
    if (message.type === 'executing' && message.data.node === null && this.#running === entry.id)
      this.#running = null
    if (entry.terminal) return
    const outcome = liveOutcome(message, entry.outputs)
    if (outcome === null) return
    entry.terminal = true
    if (this.#running === entry.id) this.#running = null
    this.#options.onTerminal(entry.id, outcome, entry.gap)
  }

  #emit(entry: PromptEntry, event: PromptEvent): void {
    if (entry.buffer !== null) {
      entry.buffer.push(event)
      if (entry.buffer.length > this.#options.bufferSize) {
        const dropAt = entry.buffer.findIndex((e) => e.type === 'message')
        if (dropAt !== -1) entry.buffer.splice(dropAt, 1)
      }
      return
    }
    // Iterate over a copy: a listener may unsubscribe (or subscribe) while being called.
    for (const listener of entry.listeners.length === 1 ? entry.listeners : [...entry.listeners]) {
      this.#call(listener, event)
    }
  }

  #call(listener: PromptListener, event: PromptEvent): void {
    try {
      listener(event)
    } catch (cause) {
      this.#options.onListenerError(
        new ComfyProgressError('CLIENT_LISTENER_FAILED', undefined, {
          details: { promptId: event.promptId },
          cause,
        }),
      )
    }
  }

  #keepUnclaimedEnd(promptId: string): void {
    this.#unclaimedEnded.push(promptId)
    if (this.#unclaimedEnded.length > MAX_UNCLAIMED_ENDED) {
      const oldest = this.#unclaimedEnded.shift()!
      const entry = this.#entries.get(oldest)
      if (entry?.ended === true && entry.buffer !== null) this.#entries.delete(oldest)
    }
  }
}
