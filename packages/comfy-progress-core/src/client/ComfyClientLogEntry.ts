/**
 * What the opt-in `logger` of {@link ComfyClient} and {@link ComfyHttpApi} receives: one structured
 * object per frame, state change, retry decision, liveness check, HTTP request and reconciliation, so
 * that a developer can see why a connection misbehaves. Nothing is logged unless a logger is given.
 * Types only.
 *
 * @module
 */
import type { ComfyProgressErrorCode } from '../errors/codes.js'
import type { ComfyMessageType } from '../protocol/ComfyMessage.js'
import type { CircuitBreakerState } from './circuitBreaker.js'
import type { ConnectionState } from './ComfyClientEvents.js'

/** A frame received (`in`, parsed or rejected) or sent (`out`). */
export interface ComfyClientFrameLog {
  readonly type: 'frame'
  readonly direction: 'in' | 'out'
  /** The parsed message type, `undefined` when the frame was rejected. */
  readonly messageType?: ComfyMessageType
  /** For `in`: the prompt the frame was routed to, `null` if none (dropped or client-level). */
  readonly promptId?: string | null
  /** Why a received frame was rejected. */
  readonly error?: ComfyProgressErrorCode
  /** Text frames: characters; binary frames: bytes. */
  readonly size: number
}

/** The connection state changed. */
export interface ComfyClientStateLog {
  readonly type: 'state'
  readonly state: ConnectionState
  readonly previous: ConnectionState
  readonly reason?: string
}

/** A reconnect was scheduled: after how long, why, and what the breaker thinks. */
export interface ComfyClientRetryLog {
  readonly type: 'retry'
  /** Failed attempts in a row, counting this one. */
  readonly attempt: number
  readonly delayMs: number
  readonly reason: string
  readonly breaker: CircuitBreakerState
}

/** A liveness event: a ping or probe sent, its answer, or the verdict that the peer is dead. */
export interface ComfyClientLivenessLog {
  readonly type: 'liveness'
  readonly event: 'ping' | 'pong' | 'probe' | 'probe-ok' | 'probe-failed' | 'stale'
}

/** An HTTP request to ComfyUI finished. */
export interface ComfyClientHttpLog {
  readonly type: 'http'
  readonly method: string
  readonly url: string
  readonly status?: number | undefined
  readonly durationMs: number
  readonly error?: ComfyProgressErrorCode
}

/** What reconciliation after a reconnect decided for one prompt. */
export interface ComfyClientReconcileLog {
  readonly type: 'reconcile'
  readonly promptId: string
  readonly result: 'running' | 'pending' | 'finished' | 'lost' | 'retry'
}

/** Every structured entry a logger receives; `time` is the client's clock (ms since the epoch). */
export type ComfyClientLogEntry = (
  | ComfyClientFrameLog
  | ComfyClientStateLog
  | ComfyClientRetryLog
  | ComfyClientLivenessLog
  | ComfyClientHttpLog
  | ComfyClientReconcileLog
) & { readonly time: number }

/** The `logger` option: called synchronously; whatever it throws is ignored. */
export type ComfyClientLogger = (entry: ComfyClientLogEntry) => void
