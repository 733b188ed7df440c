import { type BackoffOptions, backoffDefaults } from '@comfy-progress/core'

/** The part of the browser's `EventSource` that {@link WebhookManager} uses; the native one fits. */
export interface EventSourceLike {
  /** 0 connecting, 1 open, 2 closed (the browser gave up: a non-200 answer or a wrong content type). */
  readonly readyState: number
  addEventListener(type: string, listener: (event: Event) => void): void
  close(): void
}

/** A constructor of {@link EventSourceLike}; `globalThis.EventSource` fits. */
export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean },
) => EventSourceLike

/** What the status probe needs of `fetch`; `globalThis.fetch` fits. */
export type ProbeFetch = (
  url: string,
  init: { signal: AbortSignal; credentials: RequestCredentials },
) => Promise<{ readonly status: number; json(): Promise<unknown> }>

/** Timer functions, injected so that tests drive time; `globalThis` fits. */
export interface WebhookManagerTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The defaults of {@link WebhookManagerOptions}. */
export const webhookManagerDefaults = Object.freeze({
  baseUrl: '',
  withCredentials: false,
  backoff: backoffDefaults,
})

/** Options of {@link WebhookManager}. Every one is optional; browser globals are read lazily, never at import. */
export interface WebhookManagerOptions {
  /**
   * Where the comfy-progress server's routes are mounted: the stream is `${baseUrl}/progress?tasks=…`.
   * An absolute URL (`https://api.example.com`) or a path prefix (`/api`).
   * @default '' (the page's own origin)
   */
  readonly baseUrl?: string
  /**
   * Send cookies on a cross-origin stream (`EventSource`'s `withCredentials`, `fetch`'s `credentials`).
   * @default false
   */
  readonly withCredentials?: boolean
  /**
   * Reconnection delays, through core's `computeBackoffDelay`.
   * @default backoffDefaults (1 s doubling to 30 s, half of each delay jittered)
   */
  readonly backoff?: Omit<BackoffOptions, 'random'>
  /**
   * The `EventSource` constructor.
   * @default globalThis.EventSource, looked up when the first stream opens
   */
  readonly EventSource?: EventSourceConstructor
  /**
   * The `fetch` that probes a failed stream's HTTP status (EventSource does not expose it).
   * @default globalThis.fetch, looked up when needed
   */
  readonly fetch?: ProbeFetch
  /**
   * Timers for reconnection delays.
   * @default globalThis (setTimeout / clearTimeout)
   */
  readonly timers?: WebhookManagerTimers
  /**
   * Randomness for the backoff jitter, in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number
}
