import {
  type Agent as HttpAgent,
  type ClientRequest,
  type IncomingHttpHeaders,
  request as httpRequest,
} from 'node:http'
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { ComfyProgressError, isComfyProgressError, type Timers } from '@comfy-progress/core'

/** One delivery attempt: a POST of `body` to `url`. */
export interface WebhookAttemptRequest {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The whole attempt (connect, send, answer) must end within this many ms. */
  readonly timeoutMs: number
  /** Agents whose `lookup` is the SSRF guard. */
  readonly agents: { readonly http: HttpAgent; readonly https: HttpsAgent }
  readonly timers: Timers
  /** Aborts the attempt (the dispatcher closes). */
  readonly signal: AbortSignal
}

/** What one attempt got: an HTTP status, or an error without one. */
export type WebhookAttemptResult =
  | { readonly ok: true; readonly status: number; readonly headers: IncomingHttpHeaders }
  | { readonly ok: false; readonly error: ComfyProgressError }

/** Bytes of a receiver's answer read (and discarded) before the socket is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * Sends one attempt with `node:http(s).request`, which never follows redirects (a 3xx comes back as
 * a status, see `classifyWebhookAnswer`). Never rejects: network failures resolve with
 * `WEBHOOK_DELIVERY_FAILED`, the connect-time guard's refusal with `WEBHOOK_URL_FORBIDDEN`, no complete
 * answer in time with `WEBHOOK_TIMEOUT`, an abort with `WEBHOOK_DISPATCHER_CLOSED`. The answer's body
 * is drained (up to 64 KiB, so the socket can be reused) and ignored.
 */
export function sendWebhookRequest(attempt: WebhookAttemptRequest): Promise<WebhookAttemptResult> {
  return new Promise((resolve) => {
    const { url, timers } = attempt
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const agent = url.protocol === 'https:' ? attempt.agents.https : attempt.agents.http
    let settled = false
    let status: { status: number; headers: IncomingHttpHeaders } | null = null
    const finish = (result: WebhookAttemptResult) => {
      timers.clearTimeout(timer)
      if (settled) return
      settled = true
      resolve(result)
    }
    let request: ClientRequest
    try {
      request = send(url, {
        method: 'POST',
        agent,
        headers: { ...attempt.headers, 'content-length': String(Buffer.byteLength(attempt.body)) },
        signal: attempt.signal,
      })
    } catch (error) {
      // A request Node refuses to build (an invalid header, say): nothing was sent.
      return finish({ ok: false, error: toAttemptError(error, attempt.signal) })
    }
    // `finish` reads `timer`, but only from event handlers, which run after this line.
    const timer = timers.setTimeout(() => {
      const error = new ComfyProgressError('WEBHOOK_TIMEOUT', undefined, {
        details: { timeoutMs: attempt.timeoutMs },
      })
      request.destroy(error)
      finish({ ok: false, error })
    }, attempt.timeoutMs)
    request.on('response', (response) => {
      status = { status: response.statusCode ?? 0, headers: response.headers }
      let read = 0
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > MAX_ANSWER_BYTES) response.destroy()
      })
      response.on('error', () => undefined)
      response.on('close', () => finish({ ok: true, ...status! }))
    })
    request.on('error', (error) => {
      if (status !== null) return finish({ ok: true, ...status })
      finish({ ok: false, error: toAttemptError(error, attempt.signal) })
    })
    request.end(attempt.body)
  })
}

function toAttemptError(error: unknown, signal: AbortSignal): ComfyProgressError {
  if (isComfyProgressError(error)) return error
  if (signal.aborted) return new ComfyProgressError('WEBHOOK_DISPATCHER_CLOSED', undefined, { cause: error })
  const reason = (error as { code?: unknown }).code
  return new ComfyProgressError('WEBHOOK_DELIVERY_FAILED', undefined, {
    cause: error,
    details: { status: null, reason: typeof reason === 'string' ? reason : 'network' },
  })
}
