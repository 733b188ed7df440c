import { EventEmitter } from 'eventemitter3'
import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import { type AbortControllerLike, createAbortController } from '../internal/abortController.js'
import { isomorphicWebSocket } from '../internal/isomorphicWs.js'
import type { ComfyFeatureFlagsMessage } from '../protocol/ComfyMessage.js'
import { parseMessage } from '../protocol/parseMessage.js'
import type { ComfyWorkflow } from '../progress/ComfyWorkflow.js'
import { type CircuitBreaker, type CircuitBreakerState, createCircuitBreaker } from './circuitBreaker.js'
import type { ComfyClientEvents, ConnectionState } from './ComfyClientEvents.js'
import { type CancelResult, cancelPrompt } from './cancelPrompt.js'
import {
  type ComfyClientOptions,
  comfyClientDefaults,
  invalidOption,
  resolveNumericOptions,
  type SubmitOptions,
  type SubmittedPrompt,
} from './ComfyClientOptions.js'
import { ComfyConnection } from './ComfyConnection.js'
import { ComfyHttpApi } from './ComfyHttpApi.js'
import { webSocketUrl } from './comfyUrls.js'
import { createClientId } from './createClientId.js'
import { createLog, type LogFunction } from './createLog.js'
import { createPromptId } from './createPromptId.js'
import type { ComfyRequestOptions } from './httpRequest.js'
import type { PromptListener, Unsubscribe } from './PromptEvent.js'
import { PromptRouter } from './PromptRouter.js'
import { Reconciler } from './Reconciler.js'
import { globalTimers, type Timers } from './Timers.js'
import type { WebSocketConstructorLike } from './WebSocketLike.js'

/**
 * A connection to one ComfyUI server: a WebSocket that reconnects with backoff behind a circuit
 * breaker and checks liveness, ComfyUI's typed HTTP API (`client.api`), and per-prompt event streams
 * that survive reconnects: prompts that finished while the socket was down are reconciled from
 * `/history`, and every prompt ends exactly once.
 *
 * @example
 * ```ts
 * import { ComfyClient } from '@comfy-progress/core'
 *
 * const client = new ComfyClient({ baseUrl: 'http://127.0.0.1:8188' })
 * client.on('state', ({ state }) => console.log('ComfyUI:', state))
 * await client.connect() // ComfyUI drops frames for a client whose socket is not open yet
 * const prompt = await client.submit(workflow, {
 *   listener: (event) => {
 *     if (event.type === 'message' && event.message.type === 'progress') console.log(event.message.data.value)
 *     if (event.type === 'end') console.log('finished:', event.outcome.status)
 *   },
 * })
 * await prompt.done
 * await client.close()
 * ```
 */
export class ComfyClient {
  /** The client id ComfyUI knows this client by (stable across reconnects). */
  readonly clientId: string
  /** ComfyUI's HTTP API, sharing this client's fetch, timeouts, logger and lifetime. */
  readonly api: ComfyHttpApi
  readonly #emitter = new EventEmitter<ComfyClientEvents>()
  readonly #lifetime: AbortControllerLike = createAbortController()
  readonly #timers: Timers
  readonly #log: LogFunction
  readonly #breaker: CircuitBreaker
  readonly #router: PromptRouter
  readonly #connection: ComfyConnection
  readonly #reconciler: Reconciler
  #connectWaiters: { resolve: () => void; reject: (error: ComfyProgressError) => void }[] = []
  #closed: Promise<void> | null = null
  #queueRemaining: number | null = null
  #features: ComfyFeatureFlagsMessage['data'] | null = null

  /** Throws `CLIENT_INVALID_OPTIONS` for a bad `baseUrl` or a missing WebSocket/fetch. Does not connect yet. */
  constructor(options: ComfyClientOptions) {
    const o = { ...options, ...resolveNumericOptions(options) }
    this.#timers = o.timers ?? globalTimers
    this.#log = createLog(o.logger, this.#timers.now)
    this.clientId = o.clientId ?? createClientId()
    if (typeof this.clientId !== 'string' || this.clientId === '')
      throw invalidOption('clientId', 'a non-empty string')
    const WebSocket = o.WebSocket ?? (isomorphicWebSocket as WebSocketConstructorLike | undefined)
    if (typeof WebSocket !== 'function') throw invalidOption('WebSocket', 'a WebSocket constructor')
    this.api = new ComfyHttpApi({
      baseUrl: o.baseUrl,
      timeoutMs: o.requestTimeoutMs,
      signal: this.#lifetime.signal,
      timers: this.#timers,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
    })
    this.#breaker = createCircuitBreaker({ ...o.breaker, now: this.#timers.now })
    const reportError = (error: ComfyProgressError) => this.#emitter.emit('error', error)
    this.#router = new PromptRouter({
      bufferSize: o.promptBufferSize,
      unclaimedTtlMs: o.unclaimedFrameTtlMs,
      now: this.#timers.now,
      onTerminal: (promptId, outcome, gap) => this.#reconciler.terminal(promptId, outcome, gap),
      onListenerError: reportError,
    })
    this.#reconciler = new Reconciler({
      api: this.api,
      router: this.#router,
      timers: this.#timers,
      backoff: o.backoff ?? {},
      log: this.#log,
      onError: reportError,
      isConnected: () => this.state === 'connected',
    })
    this.#connection = new ComfyConnection({
      url: webSocketUrl(this.api.baseUrl, this.clientId),
      WebSocket,
      timers: this.#timers,
      backoff: o.backoff ?? {},
      breaker: this.#breaker,
      connectTimeoutMs: o.connectTimeoutMs,
      stableAfterMs: o.stableAfterMs,
      closeTimeoutMs: o.closeTimeoutMs,
      pingIntervalMs: o.pingIntervalMs,
      pongTimeoutMs: o.pongTimeoutMs,
      probe: async (timeoutMs) => void (await this.api.getQueueRemaining({ timeoutMs })),
      handshake: JSON.stringify({
        type: 'feature_flags',
        data: o.featureFlags ?? comfyClientDefaults.featureFlags,
      }),
      log: this.#log,
      onFrame: (data) => this.#onFrame(data),
      onOpen: () => this.#onOpen(),
      onDown: () => this.#router.disconnected(),
      onState: (change) => this.#emitter.emit('state', change),
    })
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.#connection.state
  }

  /** The circuit breaker's state (`open` while reconnects pause for a cool-down). */
  get breakerState(): CircuitBreakerState {
    return this.#breaker.state
  }

  /** ComfyUI's queue length (pending + running) from the latest `status` frame; `null` until one arrives. */
  get queueRemaining(): number | null {
    return this.#queueRemaining
  }

  /** ComfyUI's answer to the feature-flag handshake; `null` until it arrives (never on servers before 0.3.45). */
  get serverFeatures(): ComfyFeatureFlagsMessage['data'] | null {
    return this.#features
  }

  /** Subscribes to a client-level event; returns the unsubscribe function. */
  on<TEvent extends keyof ComfyClientEvents>(
    event: TEvent,
    listener: (...args: ComfyClientEvents[TEvent]) => void,
  ): Unsubscribe {
    const fn = listener as EventEmitter.EventListener<ComfyClientEvents, TEvent>
    this.#emitter.on(event, fn)
    return () => void this.#emitter.off(event, fn)
  }

  /**
   * Starts connecting (idempotent; `submit` and `follow` also start it). Resolves once connected;
   * rejects with `CLIENT_CLOSED` if the client is closed first. While ComfyUI is down it keeps
   * retrying: add your own timeout if you need one.
   */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new ComfyProgressError('CLIENT_CLOSED'))
    this.#connection.start()
    if (this.state === 'connected') return Promise.resolve()
    const promise = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }))
    promise.catch(() => undefined) // A caller that does not await connect() must not get an unhandled rejection.
    return promise
  }

  /**
   * Submits a workflow. The prompt id is generated here (UUID v4) and the prompt is tracked before it
   * is posted, so frames that arrive before ComfyUI answers are kept. Rejects with
   * `COMFY_VALIDATION_FAILED` (`details.node_errors`), the HTTP errors of {@link ComfyHttpApi},
   * `PROMPT_ID_CONFLICT` or `CLIENT_CLOSED`; no `end` event follows a rejected submit.
   */
  async submit(workflow: ComfyWorkflow, options: SubmitOptions = {}): Promise<SubmittedPrompt> {
    if (this.#closed) throw new ComfyProgressError('CLIENT_CLOSED')
    const promptId = options.promptId ?? createPromptId()
    if (typeof promptId !== 'string' || promptId === '') throw invalidOption('promptId', 'a non-empty string')
    this.#connection.start()
    const { listener, ...post } = options
    const done = this.#router.track(promptId, {
      gap: this.state !== 'connected',
      ...(listener ? { listener } : {}),
    })
    let result
    try {
      result = await this.api.submitPrompt(workflow, { ...post, promptId, clientId: this.clientId })
    } catch (error) {
      this.#router.forget(promptId)
      throw error
    }
    // Servers before 0.3.45 ignore the posted id and make their own.
    const acceptedId = result.prompt_id
    this.#router.rename(promptId, acceptedId)
    this.#router.accept(acceptedId)
    if (this.#router.hasGap(acceptedId)) this.#reconciler.request()
    return {
      promptId: acceptedId,
      number: result.number,
      nodeErrors: result.node_errors,
      done,
      follow: (follower) => this.follow(acceptedId, follower),
    }
  }

  /**
   * Follows a prompt by id: its frames, a `resumed` note after reconnects, and exactly one `end`.
   * Works for prompts submitted elsewhere with this client's id too: an unknown id is checked against
   * ComfyUI's queue and history. Returns the unsubscribe function.
   */
  follow(promptId: string, listener: PromptListener): Unsubscribe {
    if (this.#closed) {
      listener({
        type: 'end',
        promptId,
        outcome: { status: 'abandoned', error: new ComfyProgressError('CLIENT_CLOSED') },
      })
      return () => undefined
    }
    this.#connection.start()
    const { unsubscribe, isNew } = this.#router.follow(promptId, listener, this.state !== 'connected')
    if (isNew && this.state === 'connected') this.#reconciler.request()
    return unsubscribe
  }

  /**
   * Cancels a prompt: removes it from the queue if pending (its followers get `end` with status
   * `cancelled`), or interrupts it if running, by id so that no other prompt is hit (the followers get
   * `interrupted` from ComfyUI's frames). `not-found` if ComfyUI has neither.
   */
  async cancel(promptId: string, options?: ComfyRequestOptions): Promise<CancelResult> {
    const result = await cancelPrompt(this.api, promptId, options)
    // ComfyUI sends no frame for a prompt removed from the queue: end it here.
    if (result === 'removed') this.#router.end(promptId, { status: 'cancelled' })
    return result
  }

  /**
   * Closes the client: stops every timer, closes the socket (and awaits it), aborts HTTP requests in
   * flight; pending submits reject and followers end with `CLIENT_CLOSED`. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#shutdown()
    return this.#closed
  }

  async #shutdown(): Promise<void> {
    const error = new ComfyProgressError('CLIENT_CLOSED')
    this.#lifetime.abort(error)
    this.#reconciler.stop()
    await this.#connection.close()
    this.#router.endAll(error)
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error)
    this.#emitter.removeAllListeners()
  }

  #onOpen(): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve()
    this.#reconciler.request()
  }

  #onFrame(data: unknown): void {
    const parsed = parseMessage(data as string | ArrayBuffer | Uint8Array)
    if (!parsed.ok) {
      this.#log?.({ type: 'frame', direction: 'in', error: parsed.error.code, size: sizeOf(data) })
      // A lost text frame may have carried outputs or an error: open prompts confirm their end by /history.
      if (typeof data === 'string') this.#router.missedFrame()
      this.#emitter.emit('error', parsed.error)
      return
    }
    const message = parsed.message
    if (message.type === 'status') {
      this.#queueRemaining = message.data.status?.exec_info.queue_remaining ?? null
      this.#emitter.emit('queue', this.#queueRemaining)
    } else if (message.type === 'feature_flags') {
      this.#features = message.data
      this.#emitter.emit('features', message.data)
    }
    this.#emitter.emit('message', message)
    const promptId = this.#router.route(message)
    this.#log?.({ type: 'frame', direction: 'in', messageType: message.type, promptId, size: sizeOf(data) })
  }
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length
  const bytes = data as { byteLength?: unknown }
  return typeof bytes?.byteLength === 'number' ? bytes.byteLength : 0
}
