import type { ComfyMessage } from '../protocol/ComfyMessage.js'

/** Limits of {@link UnclaimedFrames}. */
export interface UnclaimedFramesOptions {
  /** How long frames of an unknown prompt are kept, in ms. */
  readonly ttlMs: number
  /** How many unknown prompts are kept at once (the oldest is dropped first). */
  readonly maxPrompts: number
  /** How many frames are kept per unknown prompt (later ones are dropped). */
  readonly maxFramesPerPrompt: number
  readonly now: () => number
}

/**
 * A short, bounded buffer for frames whose `prompt_id` nobody follows yet: ComfyUI can send a
 * prompt's first frames before `POST /prompt` answers (protocol §6.1), so a caller that submits
 * elsewhere and then calls `follow()` still gets them. Frames of other clients' prompts land here too
 * and simply expire. No timers: expiry happens on access.
 */
export class UnclaimedFrames {
  readonly #options: UnclaimedFramesOptions
  readonly #byPrompt = new Map<string, { readonly since: number; readonly frames: ComfyMessage[] }>()

  constructor(options: UnclaimedFramesOptions) {
    this.#options = options
  }

  /** Keeps `message` for `promptId`, within the limits. */
  add(promptId: string, message: ComfyMessage): void {
    const now = this.#options.now()
    this.#expire(now)
    let entry = this.#byPrompt.get(promptId)
    if (entry === undefined) {
      if (this.#options.maxPrompts <= 0) return
      if (this.#byPrompt.size >= this.#options.maxPrompts) {
        const oldest = this.#byPrompt.keys().next()
        if (oldest.done !== true) this.#byPrompt.delete(oldest.value)
      }
      entry = { since: now, frames: [] }
      this.#byPrompt.set(promptId, entry)
    }
    if (entry.frames.length < this.#options.maxFramesPerPrompt) entry.frames.push(message)
  }

  /** Removes and returns the frames kept for `promptId` (oldest first), if they have not expired. */
  take(promptId: string): ComfyMessage[] {
    this.#expire(this.#options.now())
    const entry = this.#byPrompt.get(promptId)
    if (entry === undefined) return []
    this.#byPrompt.delete(promptId)
    return entry.frames
  }

  /** Forgets everything. */
  clear(): void {
    this.#byPrompt.clear()
  }

  #expire(now: number): void {
    // Insertion order is age order, so the scan stops at the first fresh entry.
    for (const [promptId, entry] of this.#byPrompt) {
      if (now - entry.since < this.#options.ttlMs) break
      this.#byPrompt.delete(promptId)
    }
  }
}
