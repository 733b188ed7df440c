import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyMessage } from '../protocol/ComfyMessage.js'
import { liveOutcome, mergeOutput } from './promptOutcome.js'
import type { PromptListener, PromptOutcome, Unsubscribe } from './PromptEvent.js'
import { PromptStream } from './PromptStream.js'
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

const RECENTLY_ENDED = 512
const MAX_HELD = 64
/** Prompts that ended before anyone followed them, kept (with their buffered events) for a late follow(). */
const MAX_UNCLAIMED_ENDED = 32

/**
 * Routes parsed frames to the prompts ({@link PromptStream}s) they belong to: by `data.prompt_id`;
 * type-4 previews by their metadata's `prompt_id`; frames that carry no prompt id (type-1 previews,
 * progress text, id-less `progress`, and the reconnect replay `executing {node}`) to the prompt that
 * is running, which it tracks from the frames and, after a reconnect, from `GET /queue`. Detects the
 * first terminal frame of each prompt; frames of prompts nobody follows are kept only briefly.
 */
export class PromptRouter {
  readonly #options: PromptRouterOptions
  readonly #streams = new Map<string, PromptStream>()
  readonly #recentlyEnded = new Set<string>()
  readonly #unclaimedEnded: string[] = []
  readonly #unclaimed: UnclaimedFrames
  #running: string | null = null
  #held: ComfyMessage[] | null = null
  /** When a frame was last lost (unparseable): frames kept for prompts not yet followed may lack it. */
  #missedAt = Number.NEGATIVE_INFINITY

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
    if (this.#streams.has(promptId)) {
      throw new ComfyProgressError('PROMPT_ID_CONFLICT', undefined, { details: { promptId } })
    }
    const stream = this.#create(promptId, false, options.gap)
    if (options.listener) stream.attach(options.listener)
    return stream.waitForEnd()
  }

  /** `POST /prompt` accepted the prompt. */
  accept(promptId: string): void {
    const stream = this.#streams.get(promptId)
    if (stream) stream.accepted = true
  }

  /** `POST /prompt` failed: forget the prompt without an `end` (the submit call reports the failure). */
  forget(promptId: string): void {
    this.#streams.delete(promptId)
  }

  /**
   * ComfyUI answered with another id than the one posted (servers before 0.3.45 ignore `prompt_id`):
   * re-key the prompt, and take the frames that already arrived under the server's id.
   */
  rename(from: string, to: string): void {
    const stream = this.#streams.get(from)
    if (stream === undefined || from === to || this.#streams.has(to)) return
    this.#streams.delete(from)
    stream.id = to
    this.#streams.set(to, stream)
    this.#replay(stream, this.#unclaimed.take(to))
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
    let stream = this.#streams.get(promptId)
    const isNew = stream === undefined
    if (stream === undefined) {
      // Frames kept for it since a frame was lost may lack that one (its outputs or its end).
      const missed = this.#options.now() - this.#missedAt <= this.#options.unclaimedTtlMs
      stream = this.#create(promptId, true, gap || missed)
      this.#replay(stream, this.#unclaimed.take(promptId))
    }
    const target = stream
    target.attach(listener)
    if (target.ended) this.#forgetIfDone(target)
    return {
      isNew,
      unsubscribe: () => {
        if (target.detach(listener)) this.#forgetIfDone(target)
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
    const stream = this.#streams.get(promptId)
    if (stream === undefined) {
      if (!this.#recentlyEnded.has(promptId)) this.#unclaimed.add(promptId, message)
      return null
    }
    if (stream.ended) return null
    this.#deliver(stream, message)
    return promptId
  }

  /** Ends a prompt: emits `end` once and stops tracking it. Returns false if it had already ended. */
  end(promptId: string, outcome: PromptOutcome): boolean {
    const stream = this.#streams.get(promptId)
    if (stream === undefined || !stream.end(outcome)) return false
    if (this.#running === promptId) this.#running = null
    this.#recentlyEnded.add(promptId)
    if (this.#recentlyEnded.size > RECENTLY_ENDED) {
      this.#recentlyEnded.delete(this.#recentlyEnded.values().next().value!)
    }
    if (stream.unclaimed) this.#keepUnclaimedEnd(promptId)
    else this.#streams.delete(promptId)
    return true
  }

  /** Tells a prompt's followers that it is still queued after a reconnect. */
  resumed(promptId: string, state: 'running' | 'pending', position: number): void {
    const stream = this.#streams.get(promptId)
    if (stream && !stream.terminal) stream.emit({ type: 'resumed', promptId, state, position })
  }

  /** Whether the socket was down at some point while `promptId` was tracked. */
  hasGap(promptId: string): boolean {
    return this.#streams.get(promptId)?.gap === true
  }

  /** Whether a prompt is tracked and its end not decided yet. */
  isOpen(promptId: string): boolean {
    const stream = this.#streams.get(promptId)
    return stream !== undefined && !stream.terminal
  }

  /** Ids of accepted prompts whose end is not decided: the ones reconciliation checks. */
  openAcceptedIds(): string[] {
    const ids: string[] = []
    for (const stream of this.#streams.values()) if (stream.accepted && !stream.terminal) ids.push(stream.id)
    return ids
  }

  /**
   * A frame could not be parsed (torn, or not JSON): it may have been any open prompt's `executed` or
   * terminal frame, so each open prompt's end is checked against `/history` (as after a reconnect).
   */
  missedFrame(): void {
    for (const stream of this.#streams.values()) if (!stream.terminal) stream.gap = true
    this.#missedAt = this.#options.now()
  }

  /** The socket went down: every open prompt may miss frames; id-less frames are held until {@link release}. */
  disconnected(): void {
    for (const stream of this.#streams.values()) if (!stream.terminal) stream.gap = true
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
    for (const id of [...this.#streams.keys()]) this.end(id, { status: 'abandoned', error })
    this.#streams.clear()
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

  #create(id: string, accepted: boolean, gap: boolean): PromptStream {
    const stream = new PromptStream(id, { accepted, gap }, this.#options)
    this.#streams.set(id, stream)
    return stream
  }

  /** Delivers frames kept for a prompt before it was followed, stopping at its end like live frames do. */
  #replay(stream: PromptStream, messages: Iterable<ComfyMessage>): void {
    for (const message of messages) {
      if (stream.ended) return
      this.#deliver(stream, message)
    }
  }

  #deliver(stream: PromptStream, message: ComfyMessage): void {
    if (message.type === 'executed') mergeOutput(stream.outputs, message.data.node, message.data.output)
    stream.emit({ type: 'message', promptId: stream.id, message })
    const ended = message.type === 'executing' && message.data.node === null
    if (ended && this.#running === stream.id) this.#running = null
    if (stream.terminal) return
    const outcome = liveOutcome(message, stream.outputs)
    if (outcome === null) return
    stream.terminal = true
    if (this.#running === stream.id) this.#running = null
    this.#options.onTerminal(stream.id, outcome, stream.gap)
  }

  #forgetIfDone(stream: PromptStream): void {
    if (this.#streams.get(stream.id) !== stream) return
    if (stream.ended || stream.idle) this.#streams.delete(stream.id)
  }

  #keepUnclaimedEnd(promptId: string): void {
    this.#unclaimedEnded.push(promptId)
    if (this.#unclaimedEnded.length > MAX_UNCLAIMED_ENDED) {
      const oldest = this.#unclaimedEnded.shift()!
      const stream = this.#streams.get(oldest)
      if (stream?.ended === true && stream.unclaimed) this.#streams.delete(oldest)
    }
  }
}
