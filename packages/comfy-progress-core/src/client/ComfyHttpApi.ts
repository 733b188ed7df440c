import type { ComfyObjectInfo, ComfyWorkflow } from '../progress/ComfyWorkflow.js'
import { ComfyProgressError, isComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyClientLogger } from './ComfyClientLogEntry.js'
import { normalizeBaseUrl, queryString } from './comfyUrls.js'
import { createLog } from './createLog.js'
import type { AbortSignalLike, FetchLike } from './FetchLike.js'
import type { AbortControllerLike } from '../internal/abortController.js'
import {
  abortError,
  type ComfyRequestOptions,
  type HttpContext,
  type HttpRequestSpec,
  httpRequest,
} from './httpRequest.js'
import type {
  ComfyFileRef,
  ComfyHistoryEntry,
  ComfyQueue,
  ComfyServerFeatures,
  ComfySubmitResult,
  ComfySystemStats,
  ComfyUploadResult,
  ComfyViewResult,
} from './httpTypes.js'
import {
  parseHistory,
  parseObject,
  parseQueue,
  parseSubmitResult,
  parseUploadResult,
  parseValidationFailure,
} from './parseComfyResponses.js'
import { globalTimers, type Timers } from './Timers.js'
import { toMultipart, type UploadImageInput, type UploadMaskInput } from './toMultipart.js'

/** Options of {@link ComfyHttpApi}. */
export interface ComfyHttpApiOptions {
  /** ComfyUI's address, `http[s]://host[:port][/prefix]`, e.g. `http://127.0.0.1:8188`. */
  readonly baseUrl: string
  /**
   * The `fetch` to use.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike
  /**
   * Default timeout of every request in ms; each call can override it.
   * @default 10000
   */
  readonly timeoutMs?: number
  /** Aborts every request made through this API (a {@link ComfyClient} passes its lifetime signal). */
  readonly signal?: AbortSignalLike
  /**
   * Timers and clock for request timeouts.
   * @default globalTimers (the platform's)
   */
  readonly timers?: Timers
  /** Receives one `{type: 'http'}` entry per request. @default undefined (no logging) */
  readonly logger?: ComfyClientLogger
}

/** The defaults of {@link ComfyHttpApi}. */
export const comfyHttpApiDefaults = Object.freeze({ timeoutMs: 10_000 })

/** Options of {@link ComfyHttpApi.submitPrompt}, beyond the per-call request options. */
export interface SubmitPromptOptions extends ComfyRequestOptions {
  /** The prompt id to use; generate one with `createPromptId()` (ComfyUI 0.3.45+ accepts it). */
  readonly promptId?: string
  /** The WebSocket client id that should receive the prompt's frames. */
  readonly clientId?: string
  /** Stored with the prompt (`extra_pnginfo`, API keys, …). */
  readonly extraData?: Readonly<Record<string, unknown>>
  /** Jump the queue. */
  readonly front?: boolean
  /** Explicit queue priority: lower runs first. */
  readonly number?: number
  /** Only run these output nodes and their dependencies (0.3.48+). */
  readonly partialExecutionTargets?: readonly string[]
}

/**
 * ComfyUI's HTTP API, typed. Usable alone or as `client.api`. Every method takes per-call
 * `{timeoutMs, signal}` and fails only with a {@link ComfyProgressError}: `COMFY_UNREACHABLE`,
 * `COMFY_TIMEOUT`, `COMFY_HTTP_ERROR` (`details.status`), `COMFY_BAD_RESPONSE`, `REQUEST_ABORTED`,
 * and `COMFY_VALIDATION_FAILED` for a rejected workflow.
 *
 * @example
 * ```ts
 * const api = new ComfyHttpApi({ baseUrl: 'http://127.0.0.1:8188' })
 * const { prompt_id } = await api.submitPrompt(workflow, { promptId: createPromptId() })
 * const entry = await api.getHistory(prompt_id) // null until it finished
 * ```
 */
export class ComfyHttpApi {
  /** The normalised base URL (no trailing slash). */
  readonly baseUrl: string
  readonly #context: HttpContext

  constructor(options: ComfyHttpApiOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl)
    const timers = options.timers ?? globalTimers
    const fetch = options.fetch ?? (globalThis as unknown as { fetch?: FetchLike }).fetch
    if (typeof fetch !== 'function') {
      throw new ComfyProgressError(
        'CLIENT_INVALID_OPTIONS',
        'comfy-progress: no fetch available; pass options.fetch.',
      )
    }
    const inFlight = new Set<AbortControllerLike>()
    const lifetime = options.signal
    lifetime?.addEventListener(
      'abort',
      () => {
        for (const controller of [...inFlight]) controller.abort(abortError(lifetime.reason))
      },
      { once: true },
    )
    this.#context = {
      baseUrl: this.baseUrl,
      fetch: (url, init) => fetch(url, init),
      timeoutMs: options.timeoutMs ?? comfyHttpApiDefaults.timeoutMs,
      timers,
      signal: lifetime,
      inFlight,
      log: createLog(options.logger, timers.now),
    }
  }

  /**
   * Queues a workflow (`POST /prompt`). A 400 rejects with `COMFY_VALIDATION_FAILED` whose `details`
   * are ComfyUI's `{error, node_errors}`; a 200 whose `node_errors` is not empty means some outputs
   * were dropped: check it.
   */
  async submitPrompt(workflow: ComfyWorkflow, options: SubmitPromptOptions = {}): Promise<ComfySubmitResult> {
    const json: Record<string, unknown> = { prompt: workflow }
    if (options.clientId !== undefined) json.client_id = options.clientId
    if (options.promptId !== undefined) json.prompt_id = options.promptId
    if (options.extraData !== undefined) json.extra_data = options.extraData
    if (options.front !== undefined) json.front = options.front
    if (options.number !== undefined) json.number = options.number
    if (options.partialExecutionTargets !== undefined)
      json.partial_execution_targets = options.partialExecutionTargets
    try {
      const { body } = await this.#send({ method: 'POST', path: '/prompt', json, read: 'json' }, options)
      return parseSubmitResult(body)
    } catch (error) {
      const details = isComfyProgressError(error, 'COMFY_HTTP_ERROR')
        ? (error.details as { status?: number; json?: unknown })
        : undefined
      if (details?.status !== 400) throw error
      const failure = parseValidationFailure(details.json)
      const summary = typeof failure.error === 'string' ? failure.error : failure.error.message
      throw new ComfyProgressError(
        'COMFY_VALIDATION_FAILED',
        `comfy-progress: ComfyUI rejected the workflow: ${summary}`,
        {
          details: failure,
          cause: error,
        },
      )
    }
  }

  /** One prompt's history entry (`GET /history/{id}`), or `null` while it is queued, running, or unknown. */
  async getHistory(promptId: string, options?: ComfyRequestOptions): Promise<ComfyHistoryEntry | null> {
    const path = `/history/${encodeURIComponent(promptId)}`
    const { body } = await this.#send({ method: 'GET', path, read: 'json' }, options)
    return parseHistory(body)[promptId] ?? null
  }

  /** The last `maxItems` history entries, oldest first (`GET /history?max_items=`); never the unbounded list. */
  async listHistory(
    query: { readonly maxItems: number; readonly offset?: number },
    options?: ComfyRequestOptions,
  ): Promise<Record<string, ComfyHistoryEntry>> {
    const maxItems = Math.max(1, Math.floor(query.maxItems))
    const path = `/history${queryString({ max_items: maxItems, offset: query.offset })}`
    return parseHistory((await this.#send({ method: 'GET', path, read: 'json' }, options)).body)
  }

  /** The queue (`GET /queue`): the running prompt and the pending ones, in run order. */
  async getQueue(options?: ComfyRequestOptions): Promise<ComfyQueue> {
    return parseQueue((await this.#send({ method: 'GET', path: '/queue', read: 'json' }, options)).body)
  }

  /** `queue_remaining` (pending + running) from `GET /prompt`: the cheapest request, used as a liveness probe. */
  async getQueueRemaining(options?: ComfyRequestOptions): Promise<number> {
    const body = parseObject<{ exec_info?: { queue_remaining?: unknown } }>(
      'GET /prompt',
      (await this.#send({ method: 'GET', path: '/prompt', read: 'json' }, options)).body,
    )
    const remaining = body.exec_info?.queue_remaining
    return typeof remaining === 'number' ? remaining : 0
  }

  /** Interrupts `promptId` if it is the running prompt (`POST /interrupt {prompt_id}`, 0.3.57+); a no-op otherwise. */
  async interrupt(promptId: string, options?: ComfyRequestOptions): Promise<void> {
    await this.#send(
      { method: 'POST', path: '/interrupt', json: { prompt_id: promptId }, read: 'none' },
      options,
    )
  }

  /** Removes pending prompts from the queue (`POST /queue {delete}`); running ones are not affected. */
  async deletePending(promptIds: readonly string[], options?: ComfyRequestOptions): Promise<void> {
    await this.#send({ method: 'POST', path: '/queue', json: { delete: promptIds }, read: 'none' }, options)
  }

  /** Uploads an image (`POST /upload/image`, multipart). */
  async uploadImage(input: UploadImageInput, options?: ComfyRequestOptions): Promise<ComfyUploadResult> {
    const spec = { method: 'POST', path: '/upload/image', form: toMultipart(input), read: 'json' } as const
    return parseUploadResult('POST /upload/image', (await this.#send(spec, options)).body)
  }

  /** Uploads a mask applied to `originalRef`'s alpha channel (`POST /upload/mask`, multipart). */
  async uploadMask(input: UploadMaskInput, options?: ComfyRequestOptions): Promise<ComfyUploadResult> {
    const spec = { method: 'POST', path: '/upload/mask', form: toMultipart(input), read: 'json' } as const
    return parseUploadResult('POST /upload/mask', (await this.#send(spec, options)).body)
  }

  /** The URL of a stored file (`GET /view?filename&subfolder&type`), for a server-side proxy. */
  viewUrl(file: ComfyFileRef, extra: { readonly preview?: string; readonly channel?: string } = {}): string {
    const query = {
      filename: file.filename,
      subfolder: file.subfolder ?? '',
      type: file.type ?? 'output',
      ...extra,
    }
    return `${this.baseUrl}/view${queryString(query)}`
  }

  /** A stored file's bytes and content type (`GET /view`). 404 → `COMFY_HTTP_ERROR` with `details.status`. */
  async view(file: ComfyFileRef, options?: ComfyRequestOptions): Promise<ComfyViewResult> {
    const path = this.viewUrl(file).slice(this.baseUrl.length)
    const { body, contentType } = await this.#send({ method: 'GET', path, read: 'bytes' }, options)
    return { bytes: body as Uint8Array, contentType: contentType ?? 'application/octet-stream' }
  }

  /** Node definitions: all (`GET /object_info`, large) or one class (`{}` if unknown). */
  async getObjectInfo(nodeClass?: string, options?: ComfyRequestOptions): Promise<ComfyObjectInfo> {
    const path = nodeClass === undefined ? '/object_info' : `/object_info/${encodeURIComponent(nodeClass)}`
    return parseObject(path, (await this.#send({ method: 'GET', path, read: 'json' }, options)).body)
  }

  /** `GET /system_stats`: OS, versions, devices. */
  async getSystemStats(options?: ComfyRequestOptions): Promise<ComfySystemStats> {
    return parseObject(
      '/system_stats',
      (await this.#send({ method: 'GET', path: '/system_stats', read: 'json' }, options)).body,
    )
  }

  /** `GET /features`: the server's feature flags (0.3.45+; older servers answer 404). */
  async getFeatures(options?: ComfyRequestOptions): Promise<ComfyServerFeatures> {
    return parseObject(
      '/features',
      (await this.#send({ method: 'GET', path: '/features', read: 'json' }, options)).body,
    )
  }

  #send(spec: HttpRequestSpec, options: ComfyRequestOptions = {}) {
    return httpRequest(this.#context, { ...spec, timeoutMs: options.timeoutMs, signal: options.signal })
  }
}
