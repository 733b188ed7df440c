/**
 * What a prompt's followers receive from {@link ComfyClient}: its frames, a note after each
 * reconnect, and exactly one `end`. Types only.
 *
 * @module
 */
import type { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type {
  ComfyExecutingMessage,
  ComfyExecutionErrorMessage,
  ComfyExecutionInterruptedMessage,
  ComfyExecutionSuccessMessage,
  ComfyMessage,
  ComfyNodeId,
  ComfyNodeOutput,
} from '../protocol/ComfyMessage.js'

/** Where an outcome was learnt: a live frame, or `/history` after a reconnect. */
export type PromptOutcomeSource = 'live' | 'history'

/** Node id → UI output (`images`, …) of a finished prompt. */
export type PromptOutputs = Readonly<Record<ComfyNodeId, ComfyNodeOutput>>

/** The prompt ran to the end. */
export interface PromptSucceeded {
  readonly status: 'success'
  readonly outputs: PromptOutputs
  /**
   * The terminal frame: `execution_success`, or `executing {node: null}` on servers older than
   * 2024-07-21 that have no `execution_success`; `null` if history held neither.
   */
  readonly message: ComfyExecutionSuccessMessage | ComfyExecutingMessage | null
  readonly source: PromptOutcomeSource
}

/** A node failed (`execution_error`, never the non-fatal `ExecutionBlocked`). */
export interface PromptFailed {
  readonly status: 'error'
  readonly outputs: PromptOutputs
  /** The error frame; `null` if history recorded an error without its message. */
  readonly message: ComfyExecutionErrorMessage | null
  readonly source: PromptOutcomeSource
}

/** The prompt was interrupted (`POST /interrupt`). */
export interface PromptInterrupted {
  readonly status: 'interrupted'
  readonly outputs: PromptOutputs
  readonly message: ComfyExecutionInterruptedMessage | null
  readonly source: PromptOutcomeSource
}

/**
 * The client stopped following the prompt without ComfyUI reporting an end: `COMFY_PROMPT_LOST` (in
 * neither queue nor history after a reconnect: deleted, or ComfyUI restarted) or `CLIENT_CLOSED`.
 */
export interface PromptAbandoned {
  readonly status: 'abandoned'
  readonly error: ComfyProgressError
}

/** `client.cancel()` removed the prompt from ComfyUI's queue before it ran (ComfyUI sends no frame then). */
export interface PromptCancelled {
  readonly status: 'cancelled'
}

/** How a prompt ended. */
export type PromptOutcome =
  PromptSucceeded | PromptFailed | PromptInterrupted | PromptCancelled | PromptAbandoned

/** A frame of the prompt, in wire order. Terminal frames come here too, just before `end`. */
export interface PromptMessageEvent {
  readonly type: 'message'
  readonly promptId: string
  readonly message: ComfyMessage
}

/**
 * After a reconnect, reconciliation found the prompt still in ComfyUI's queue: frames sent while the
 * socket was down are lost, live frames resume. `position` is 0 for the running prompt, 1 for the next.
 */
export interface PromptResumedEvent {
  readonly type: 'resumed'
  readonly promptId: string
  readonly state: 'running' | 'pending'
  readonly position: number
}

/** The prompt ended. Sent exactly once per prompt; nothing follows it. Finalise on this, not on frames. */
export interface PromptEndEvent {
  readonly type: 'end'
  readonly promptId: string
  readonly outcome: PromptOutcome
}

/** Everything a prompt's follower receives. */
export type PromptEvent = PromptMessageEvent | PromptResumedEvent | PromptEndEvent

/** A follower of one prompt. */
export type PromptListener = (event: PromptEvent) => void

/** Removes a listener; calling it twice is harmless. */
export type Unsubscribe = () => void
