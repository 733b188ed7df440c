import { ComfyProgressError, isComfyProgressError } from '../errors/ComfyProgressError.js'
import { type AbortControllerLike, createAbortController } from '../internal/abortController.js'
import type { LogFunction } from './createLog.js'
import type { Timers } from './Timers.js'
import type { AbortSignalLike, FetchLike, ResponseLike } from './FetchLike.js'

/** Per-call options of every {@link ComfyHttpApi} method. */
export interface ComfyRequestOptions {
  /**
   * Give up after this many ms (`COMFY_TIMEOUT`). Overrides the API's `timeoutMs`.
   * @default the API's `timeoutMs` (10000)
   */
  readonly timeoutMs?: number
  /** Abort the request with your own signal (`REQUEST_ABORTED`, or the signal's reason if it is a ComfyProgressError). */
  readonly signal?: AbortSignalLike
}

/** What every request needs; built once by {@link ComfyHttpApi}. */
export interface HttpContext {
  readonly baseUrl: string
  readonly fetch: FetchLike
  readonly timeoutMs: number
  readonly timers: Timers
  /** Aborts every request (the client's lifetime); checked before each request. */
  readonly signal?: AbortSignalLike | undefined
  /**
   * The requests in flight, so that the owner aborts them all with one listener on `signal` (a
   * listener per request would pile up on a long-lived signal).
   */
  readonly inFlight: Set<AbortControllerLike>
  readonly log?: LogFunction
}

/** One request: path relative to the base URL, an optional JSON or FormData body, how to read the answer. */
export interface HttpRequestSpec extends ComfyRequestOptions {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly json?: unknown
  readonly form?: unknown
  readonly read: 'json' | 'bytes' | 'none'
}

/** The answer: `body` is the parsed JSON, the bytes, or `undefined` for `read: 'none'`. */
export interface HttpResult {
  readonly status: number
  readonly contentType: string | null
  readonly body: unknown
}

const MAX_ERROR_BODY = 2000

/**
 * Sends one request to ComfyUI with a timeout (an `AbortController` and a timer, not
 * `AbortSignal.timeout`, which older Safari lacks) composed with the caller's and the client's
 * signals, reads the whole body under the same timeout, and turns every failure into a typed
 * {@link ComfyProgressError}: `COMFY_UNREACHABLE`, `COMFY_TIMEOUT`, `COMFY_HTTP_ERROR` (`details.status`,
 * `details.body`, `details.json` when the body is JSON), `COMFY_BAD_RESPONSE`, `REQUEST_ABORTED`.
 */
export async function httpRequest(context: HttpContext, spec: HttpRequestSpec): Promise<HttpResult> {
  const url = context.baseUrl + spec.path
  const where = { method: spec.method, url }
  const timeoutMs = spec.timeoutMs ?? context.timeoutMs
  const controller = createAbortController()
  let timedOut = false
  for (const source of [context.signal, spec.signal]) if (source?.aborted) throw abortError(source.reason)
  const callerSignal = spec.signal
  const onCallerAbort = callerSignal && (() => controller.abort(abortError(callerSignal.reason)))
  if (callerSignal && onCallerAbort) callerSignal.addEventListener('abort', onCallerAbort, { once: true })
  context.inFlight.add(controller)
  const timer = context.timers.setTimeout(() => {
    timedOut = true
    controller.abort(new ComfyProgressError('COMFY_TIMEOUT', undefined, { details: { ...where, timeoutMs } }))
  }, timeoutMs)
  const started = context.timers.now()
  let status: number | undefined
  try {
    const headers: Record<string, string> = { accept: 'application/json' }
    let body: unknown
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(spec.json)
    } else if (spec.form !== undefined) body = spec.form
    const response = await context.fetch(url, {
      method: spec.method,
      headers,
      body,
      signal: controller.signal,
    })
    status = response.status
    const contentType = response.headers.get('content-type')
    if (!response.ok) throw await httpError(response, where)
    let result: unknown
    if (spec.read === 'bytes') result = new Uint8Array(await response.arrayBuffer())
    else {
      const text = await response.text()
      result = spec.read === 'json' ? parseJson(text, where) : undefined
    }
    context.log?.({ type: 'http', ...where, status, durationMs: context.timers.now() - started })
    return { status, contentType, body: result }
  } catch (error) {
    const failure = toRequestError(error, { timedOut, controller, where, timeoutMs })
    context.log?.({
      type: 'http',
      ...where,
      status,
      durationMs: context.timers.now() - started,
      error: failure.code,
    })
    throw failure
  } finally {
    context.timers.clearTimeout(timer)
    context.inFlight.delete(controller)
    if (callerSignal && onCallerAbort) callerSignal.removeEventListener('abort', onCallerAbort)
  }
}

/** The error a request aborted by `reason` fails with: the reason itself if it is a ComfyProgressError. */
export function abortError(reason: unknown): ComfyProgressError {
  return isComfyProgressError(reason)
    ? reason
    : new ComfyProgressError('REQUEST_ABORTED', undefined, { cause: reason })
}

function toRequestError(
  error: unknown,
  state: { timedOut: boolean; controller: AbortControllerLike; where: object; timeoutMs: number },
): ComfyProgressError {
  const reason = state.controller.signal.reason
  if (state.controller.signal.aborted && isComfyProgressError(reason)) return reason
  if (isComfyProgressError(error)) return error
  if (state.timedOut) {
    return new ComfyProgressError('COMFY_TIMEOUT', undefined, {
      details: { ...state.where, timeoutMs: state.timeoutMs },
      cause: error,
    })
  }
  return new ComfyProgressError('COMFY_UNREACHABLE', undefined, { details: state.where, cause: error })
}

async function httpError(
  response: ResponseLike,
  where: { method: string; url: string },
): Promise<ComfyProgressError> {
  let text = ''
  try {
    text = await response.text()
  } catch {
    // The status is what matters; a body that cannot be read is left empty.
  }
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return new ComfyProgressError(
    'COMFY_HTTP_ERROR',
    `comfy-progress: ComfyUI answered ${response.status} to ${where.method} ${where.url}.`,
    { details: { ...where, status: response.status, body: text.slice(0, MAX_ERROR_BODY), json } },
  )
}

function parseJson(text: string, where: { method: string; url: string }): unknown {
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ComfyProgressError(
      'COMFY_BAD_RESPONSE',
      `comfy-progress: ComfyUI's answer to ${where.method} ${where.url} is not valid JSON.`,
      { details: { ...where, body: text.slice(0, MAX_ERROR_BODY) }, cause },
    )
  }
}
