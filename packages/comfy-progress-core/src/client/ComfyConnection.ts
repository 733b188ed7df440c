import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import { type BackoffOptions, computeBackoffDelay } from '../retry/computeBackoffDelay.js'
import type { CircuitBreaker } from './circuitBreaker.js'
import type { ConnectionState, ConnectionStateChange } from './ComfyClientEvents.js'
import type { LogFunction } from './createLog.js'
import { type Liveness, type LivenessOptions, startLiveness } from './startLiveness.js'
import type { Timers } from './Timers.js'
import { WEBSOCKET_OPEN, type WebSocketConstructorLike, type WebSocketLike } from './WebSocketLike.js'

/** What {@link ComfyConnection} needs; {@link ComfyClient} builds it from its options. */
export interface ComfyConnectionOptions extends LivenessOptions {
  readonly url: string
  readonly WebSocket: WebSocketConstructorLike
  readonly timers: Timers
  readonly backoff: BackoffOptions
  readonly breaker: CircuitBreaker
  /** An attempt that has not opened after this long fails. */
  readonly connectTimeoutMs: number
  /** A connection counts as good (backoff and breaker reset) once open this long. */
  readonly stableAfterMs: number
  /** How long to wait for a socket's close event before giving up on it. */
  readonly closeTimeoutMs: number
  /** The first frame sent on every open. */
  readonly handshake: string
  readonly log: LogFunction
  readonly onFrame: (data: unknown) => void
  readonly onOpen: () => void
  readonly onDown: () => void
  readonly onState: (change: ConnectionStateChange) => void
}

/** No retry is ever sooner than this, whatever the backoff options say: no hot loop is possible. */
export const MIN_RETRY_DELAY_MS = 50

/**
 * The WebSocket state machine of {@link ComfyClient}: one socket at a time, a handshake frame on every
 * open, liveness checks, and reconnects that all go through one path: the old socket is closed and
 * its close awaited (protocol §6.4), then a backoff delay (never below {@link MIN_RETRY_DELAY_MS}, and
 * stretched to the breaker's cool-down when it is open) runs before the next attempt. That covers a
 * refused connection, a 403 on upgrade, a constructor that throws, a close right after open and a
 * dead peer alike.
 */
export class ComfyConnection {
  readonly #o: ComfyConnectionOptions
  #state: ConnectionState = 'disconnected'
  #socket: WebSocketLike | null = null
  #attempt = 0
  #stable = false
  #closing = false
  #started = false
  #timer: unknown = undefined
  #liveness: Liveness | null = null
  #socketClosed: Promise<void> = Promise.resolve()

  constructor(options: ComfyConnectionOptions) {
    this.#o = options
  }

  get state(): ConnectionState {
    return this.#state
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.#started || this.#closing) return
    this.#started = true
    this.#open()
  }

  /** Stops everything: timers, liveness, the socket (close awaited). */
  async close(): Promise<void> {
    if (this.#closing) return this.#socketClosed
    this.#closing = true
    this.#clearTimer()
    this.#liveness?.stop()
    this.#liveness = null
    const socket = this.#socket
    if (socket) this.#shut(socket, 1000)
    await this.#socketClosed
    this.#setState('disconnected', {})
  }

  #open(): void {
    if (this.#closing) return
    this.#setState(this.#attempt === 0 && !this.#stable ? 'connecting' : 'reconnecting', {})
    let socket: WebSocketLike
    try {
      socket = new this.#o.WebSocket(this.#o.url)
    } catch (cause) {
      this.#failed(
        new ComfyProgressError('COMFY_CONNECTION_FAILED', undefined, {
          cause,
          details: { url: this.#o.url },
        }),
      )
      return
    }
    this.#socket = socket
    this.#stable = false
    if (socket.binaryType !== 'nodebuffer') socket.binaryType = 'arraybuffer'
    let resolveClosed!: () => void
    this.#socketClosed = new Promise((resolve) => (resolveClosed = resolve))
    let failure: ComfyProgressError | null = null
    let opened = false
    this.#timer = this.#o.timers.setTimeout(() => {
      failure = new ComfyProgressError(
        'COMFY_CONNECTION_FAILED',
        'comfy-progress: the WebSocket did not open in time.',
        {
          details: { url: this.#o.url, timeoutMs: this.#o.connectTimeoutMs },
        },
      )
      this.#shut(socket, 4000)
    }, this.#o.connectTimeoutMs)

    socket.onopen = () => {
      if (this.#socket !== socket || this.#closing) return
      this.#clearTimer()
      opened = true
      this.#send(socket, this.#o.handshake)
      this.#timer = this.#o.timers.setTimeout(() => {
        this.#timer = undefined
        this.#stable = true
        this.#attempt = 0
        this.#o.breaker.recordSuccess()
      }, this.#o.stableAfterMs)
      this.#liveness = startLiveness(socket, this.#o, (reason) => {
        failure = reason
        this.#shut(socket, 4000)
      })
      this.#setState('connected', {})
      this.#o.onOpen()
    }
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return
      this.#liveness?.touch()
      this.#o.onFrame(event.data)
    }
    socket.onerror = () => {
      // A close event always follows; the failure is reported there.
    }
    socket.onclose = (event) => {
      resolveClosed()
      if (this.#socket !== socket) return
      this.#socket = null
      this.#liveness?.stop()
      this.#liveness = null
      this.#clearTimer()
      if (this.#closing) return
      if (opened) this.#o.onDown()
      const details = { url: this.#o.url, code: event.code, reason: event.reason }
      this.#failed(failure ?? new ComfyProgressError('COMFY_CONNECTION_FAILED', undefined, { details }))
    }
  }

  /** Every failure comes here, once the failed socket is gone: count it, then wait before retrying. */
  #failed(error: ComfyProgressError): void {
    if (this.#closing) return
    if (this.#stable) {
      // A good connection dropped: start a fresh backoff sequence; the breaker is not charged.
      this.#stable = false
      this.#attempt = 1
    } else {
      this.#attempt += 1
      this.#o.breaker.recordFailure()
    }
    const backoff = computeBackoffDelay(this.#attempt - 1, this.#o.backoff)
    const delayMs = Math.max(MIN_RETRY_DELAY_MS, backoff, this.#o.breaker.msUntilAttempt())
    const breaker = this.#o.breaker.state
    this.#o.log?.({ type: 'retry', attempt: this.#attempt, delayMs, reason: error.code, breaker })
    const reason =
      breaker === 'open'
        ? new ComfyProgressError('COMFY_CIRCUIT_OPEN', undefined, {
            details: { retryAt: this.#o.breaker.retryAt, failures: this.#o.breaker.failures },
            cause: error,
          })
        : error
    this.#setState(breaker === 'open' ? 'error' : 'reconnecting', { delayMs, error: reason })
    this.#timer = this.#o.timers.setTimeout(() => {
      this.#timer = undefined
      this.#open()
    }, delayMs)
  }

  /** Closes `socket`: `terminate()` where available (Node `ws`: immediate), else `close()`; capped wait. */
  #shut(socket: WebSocketLike, code: number): void {
    const closed = this.#socketClosed
    let done = false
    void closed.then(() => (done = true))
    try {
      if (typeof socket.terminate === 'function' && code !== 1000) socket.terminate()
      else socket.close(code)
    } catch {
      socket.terminate?.()
    }
    const cap = this.#o.timers.setTimeout(() => {
      if (done) return
      // The platform never reported the close: give up on this socket and move on.
      socket.terminate?.()
      socket.onclose?.({ code: 1006, reason: 'close timed out' })
    }, this.#o.closeTimeoutMs)
    void closed.then(() => this.#o.timers.clearTimeout(cap))
  }

  #send(socket: WebSocketLike, frame: string): void {
    if (socket.readyState !== WEBSOCKET_OPEN) return
    try {
      socket.send(frame)
      this.#o.log?.({ type: 'frame', direction: 'out', size: frame.length })
    } catch {
      // A socket that cannot send is about to close; its close event drives the retry.
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #setState(state: ConnectionState, extra: { delayMs?: number; error?: ComfyProgressError }): void {
    const previous = this.#state
    if (previous === state && extra.delayMs === undefined) return
    this.#state = state
    const reason = extra.error?.code
    this.#o.log?.({ type: 'state', state, previous, ...(reason ? { reason } : {}) })
    this.#o.onState({ state, previous, attempt: this.#attempt, breaker: this.#o.breaker.state, ...extra })
  }
}
