/**
 * The client-level events of {@link ComfyClient}, as one type map (eventemitter3 style: event name →
 * argument tuple). Per-prompt events are in `PromptEvent.ts`. Types only.
 *
 * @module
 */
import type { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyFeatureFlagsMessage, ComfyMessage } from '../protocol/ComfyMessage.js'
import type { CircuitBreakerState } from './circuitBreaker.js'

/**
 * The connection's state:
 * - `disconnected`: not started, or closed by `close()`;
 * - `connecting`: the first attempt is under way;
 * - `connected`: the socket is open (the handshake frame was sent);
 * - `reconnecting`: the socket was lost or an attempt failed; waiting for the next attempt, or making it;
 * - `error`: the circuit breaker opened after repeated failures; one probe follows after the cool-down.
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'error'

/** The payload of the `state` event. */
export interface ConnectionStateChange {
  readonly state: ConnectionState
  readonly previous: ConnectionState
  /** Failed attempts in a row (0 once a connection has been stable). */
  readonly attempt: number
  /** `reconnecting` / `error`: ms until the next attempt. */
  readonly delayMs?: number
  /** `reconnecting` / `error`: why (`COMFY_CONNECTION_FAILED`, `COMFY_CONNECTION_STALE`, `COMFY_CIRCUIT_OPEN`). */
  readonly error?: ComfyProgressError
  readonly breaker: CircuitBreakerState
}

/** Client-level events. Subscribe with `client.on(name, listener)`, which returns an unsubscribe function. */
export interface ComfyClientEvents {
  /** The connection state changed. */
  state: [change: ConnectionStateChange]
  /** Every parsed frame, before routing (for logging or custom handling; most code follows prompts). */
  message: [message: ComfyMessage]
  /** ComfyUI's queue length changed (`status` frames, broadcast): pending + running, `null` if unknown. */
  queue: [queueRemaining: number | null]
  /** ComfyUI answered the feature-flag handshake (0.3.45+; older servers never do). */
  features: [flags: ComfyFeatureFlagsMessage['data']]
  /**
   * A problem that did not stop the client: a malformed frame (`MESSAGE_*`, `BINARY_FRAME_*`), a failed
   * reconciliation request (retried), a throwing listener (`CLIENT_LISTENER_FAILED`).
   */
  error: [error: ComfyProgressError]
}
