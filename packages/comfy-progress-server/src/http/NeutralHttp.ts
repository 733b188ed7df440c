import type { SseStream } from '../sse/SseStream.js'

/**
 * The small, framework-neutral shapes every route handler works on. Adapters translate to and from
 * them (`adapters/node`: `IncomingMessage`/`ServerResponse`; `adapters/fetch`: `Request`/`Response`)
 * and hold no logic of their own.
 *
 * @module
 */

/** Read access to request headers, case-insensitive (a web `Headers` object fits). */
export interface HeaderReader {
  get(name: string): string | null
}

/** An HTTP request, as the handlers see it. */
export interface NeutralRequest {
  readonly method: string
  /** The request target: an absolute URL, or a path with its query (`/progress/abc?lastEventId=3`). */
  readonly url: string
  readonly headers: HeaderReader
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal
  /** The HTTP major version (1 or 2) when the adapter knows it; some headers depend on it. */
  readonly httpVersion?: number
  /**
   * Reads the raw body. Rejects with `BODY_TOO_LARGE` as soon as it passes `maxBytes` (or when
   * `Content-Length` says it will).
   */
  readBody(maxBytes: number): Promise<Uint8Array>
  /** A body a framework already parsed (Express's `req.body` after `express.json()`), used instead of `readBody`. */
  readonly parsedBody?: unknown
}

/** A complete response with a body (JSON answers and errors, images). */
export interface NeutralBodyResponse {
  readonly kind: 'body'
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array
}

/** A response without a body (204). */
export interface NeutralEmptyResponse {
  readonly kind: 'empty'
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

/** An SSE response: the adapter sends the headers, builds an `SseSink` and calls `stream.start(sink)`. */
export interface NeutralSseResponse {
  readonly kind: 'sse'
  readonly status: 200
  readonly headers: Readonly<Record<string, string>>
  readonly stream: SseStream
}

/** What a handler answers. */
export type NeutralResponse = NeutralBodyResponse | NeutralEmptyResponse | NeutralSseResponse

/** A route handler over the neutral shapes. It never rejects: every failure is an error response. */
export type NeutralHandler = (request: NeutralRequest) => Promise<NeutralResponse>
