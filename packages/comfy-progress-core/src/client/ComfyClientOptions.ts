import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { BackoffOptions } from '../retry/computeBackoffDelay.js'
import type { CircuitBreakerOptions } from './circuitBreaker.js'
import type { ComfyClientLogger } from './ComfyClientLogEntry.js'
import type { FetchLike } from './FetchLike.js'
import type { SubmitPromptOptions } from './ComfyHttpApi.js'
import type { ComfyNodeErrors } from './httpTypes.js'
import type { PromptListener, PromptOutcome, Unsubscribe } from './PromptEvent.js'
import type { Timers } from './Timers.js'
import type { WebSocketConstructorLike } from './WebSocketLike.js'

/** Options of {@link ComfyClient}. Only `baseUrl` is required. */
export interface ComfyClientOptions {
  /** ComfyUI's address, `http[s]://host[:port][/prefix]`; the WebSocket URL is derived from it (`ws[s]://…/ws`). */
  readonly baseUrl: string
  /**
   * The client id ComfyUI routes this client's frames by, reused on every reconnect. Never share one
   * between two live clients (protocol §6.4).
   * @default createClientId() (32 random hex characters)
   */
  readonly clientId?: string
  /**
   * The WebSocket constructor.
   * @default the `isomorphic-ws` export: `ws` in Node, the native `WebSocket` in browsers
   */
  readonly WebSocket?: WebSocketConstructorLike
  /**
   * The `fetch` for the HTTP API.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike
  /**
   * Timeout of each HTTP request in ms (each call of `client.api` can override it).
   * @default 10000
   */
  readonly requestTimeoutMs?: number
  /**
   * A connection attempt that has not opened after this many ms fails (and is retried).
   * @default 10000
   */
  readonly connectTimeoutMs?: number
  /**
   * A connection counts as good once open this long: only then do backoff and breaker reset, so a
   * server that accepts and drops at once still backs off.
   * @default 5000
   */
  readonly stableAfterMs?: number
  /**
   * How long to wait for a socket's close before giving up on it, in ms.
   * @default 5000
   */
  readonly closeTimeoutMs?: number
  /**
   * After this many ms without any frame, check that the peer is alive: a WebSocket ping (Node `ws`),
   * or an HTTP `GET /prompt` where the socket cannot ping (browsers). 0 disables the check.
   * @default 30000
   */
  readonly pingIntervalMs?: number
  /**
   * How long to wait for the pong (or the probe's answer) before declaring the peer dead, in ms.
   * @default 10000
   */
  readonly pongTimeoutMs?: number
  /**
   * Reconnect delays, through `computeBackoffDelay`.
   * @default backoffDefaults (1 s doubling to 30 s, half of each delay jittered)
   */
  readonly backoff?: BackoffOptions
  /**
   * The circuit breaker in front of reconnects.
   * @default circuitBreakerDefaults (opens after 5 failed attempts in a row, for 60 s, then one probe)
   */
  readonly breaker?: Omit<CircuitBreakerOptions, 'now'>
  /**
   * Events kept per submitted prompt until its first follower arrives (the oldest frames are dropped
   * first; of the preview images, only the latest is kept).
   * @default 256
   */
  readonly promptBufferSize?: number
  /**
   * How long frames of a prompt nobody follows are kept, in case `follow()` comes just after, in ms.
   * @default 5000
   */
  readonly unclaimedFrameTtlMs?: number
  /**
   * The `data` of the `feature_flags` frame sent first on every open.
   * @default { supports_preview_metadata: true }
   */
  readonly featureFlags?: Readonly<Record<string, unknown>>
  /**
   * Timers and clock for every delay, timeout and check. Inject to drive time in tests.
   * @default globalTimers (the platform's `setTimeout`, `clearTimeout`, `Date.now`)
   */
  readonly timers?: Timers
  /**
   * Receives a structured entry for every frame, state change, retry decision, liveness check, HTTP
   * request and reconciliation. Nothing is printed without it.
   * @default undefined
   */
  readonly logger?: ComfyClientLogger
}

/** The defaults of {@link ComfyClientOptions}, frozen. */
export const comfyClientDefaults = Object.freeze({
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  stableAfterMs: 5_000,
  closeTimeoutMs: 5_000,
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  promptBufferSize: 256,
  unclaimedFrameTtlMs: 5_000,
  featureFlags: Object.freeze({ supports_preview_metadata: true }),
})

type NumericOption = Exclude<
  {
    [K in keyof typeof comfyClientDefaults]: (typeof comfyClientDefaults)[K] extends number ? K : never
  }[keyof typeof comfyClientDefaults],
  undefined
>

/**
 * The numeric options with their defaults filled in (an explicit `undefined` counts as unset). Throws
 * `CLIENT_INVALID_OPTIONS` for a value that is not a finite number ≥ 0.
 */
export function resolveNumericOptions(options: ComfyClientOptions): Record<NumericOption, number> {
  const resolved = {} as Record<NumericOption, number>
  for (const [key, fallback] of Object.entries(comfyClientDefaults)) {
    if (typeof fallback !== 'number') continue
    const value = (options as unknown as Record<string, unknown>)[key] ?? fallback
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalidOption(key, `a finite number ≥ 0 (got ${JSON.stringify(value) ?? typeof value})`)
    }
    resolved[key as NumericOption] = value
  }
  return resolved
}

/** The `CLIENT_INVALID_OPTIONS` error for `options.<option>`, saying what was expected. */
export function invalidOption(option: string, expected: string): ComfyProgressError {
  return new ComfyProgressError(
    'CLIENT_INVALID_OPTIONS',
    `comfy-progress: options.${option} must be ${expected}.`,
    {
      details: { option },
    },
  )
}

/** Options of {@link ComfyClient.submit}. */
export interface SubmitOptions extends Omit<SubmitPromptOptions, 'clientId' | 'promptId'> {
  /**
   * The prompt id; a canonical lowercase UUID is required by newer ComfyUI servers.
   * @default createPromptId()
   */
  readonly promptId?: string
  /** Follows the prompt from before it is posted, so no frame is missed (same as `handle.follow`). */
  readonly listener?: PromptListener
}

/** What {@link ComfyClient.submit} resolves with once ComfyUI has accepted the prompt. */
export interface SubmittedPrompt {
  readonly promptId: string
  /** The queue number ComfyUI gave the prompt. */
  readonly number: number
  /**
   * Outputs ComfyUI dropped because they failed validation (the rest still runs). Empty when all is
   * well; not empty is a warning worth showing.
   */
  readonly nodeErrors: ComfyNodeErrors
  /** Resolves with the prompt's outcome (the same one its `end` event carries). Never rejects. */
  readonly done: Promise<PromptOutcome>
  /** Follows the prompt; events buffered since the submit are replayed first. */
  follow(listener: PromptListener): Unsubscribe
}
