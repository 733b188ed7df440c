/**
 * What ComfyUI's HTTP API answers, as {@link ComfyHttpApi} returns it. Bodies keep ComfyUI's own
 * snake_case fields (what its documentation and logs show); only the queue's positional arrays are
 * turned into named objects. The workflow and `/object_info` types are the progress model's
 * (`progress/ComfyWorkflow.ts`). Checked against `comfyui-protocol.md` §4 and the recordings in
 * `fixtures/comfyui/` (ComfyUI 0.3.64). Types only.
 *
 * @module
 */
import type { ComfyNodeId, ComfyNodeOutput } from '../protocol/ComfyMessage.js'

/** One error of one input, as ComfyUI's validation reports it. */
export interface ComfyValidationError {
  readonly type: string
  readonly message: string
  readonly details?: string
  readonly extra_info?: Readonly<Record<string, unknown>>
}

/** `node_errors` of `POST /prompt`: node id → its errors and the outputs they block. */
export type ComfyNodeErrors = Readonly<
  Record<
    ComfyNodeId,
    {
      readonly errors: readonly ComfyValidationError[]
      readonly dependent_outputs: readonly ComfyNodeId[]
      readonly class_type: string
    }
  >
>

/** `details` of a `COMFY_VALIDATION_FAILED` error: ComfyUI's 400 body. */
export interface ComfyValidationFailure {
  /** `{type, message, details, extra_info}`; a plain string on servers before 0.3.28. */
  readonly error: ComfyValidationError | string
  readonly node_errors: ComfyNodeErrors | readonly never[]
}

/** The answer to an accepted `POST /prompt`. */
export interface ComfySubmitResult {
  readonly prompt_id: string
  /** The prompt's queue number (lower runs first). */
  readonly number: number
  /**
   * Non-empty when ComfyUI accepted the prompt but dropped some outputs that failed validation:
   * those outputs will not be produced. Not an error; surface it as a warning.
   */
  readonly node_errors: ComfyNodeErrors
}

/** One item of `GET /queue`, from ComfyUI's array `[number, prompt_id, prompt, extra_data, outputs]`. */
export interface ComfyQueueItem {
  readonly number: number
  readonly promptId: string
  readonly prompt: unknown
  /** `client_id` here says who submitted the item. */
  readonly extraData: Readonly<Record<string, unknown>>
  readonly outputsToExecute: readonly ComfyNodeId[]
}

/** `GET /queue`, with `pending` sorted by run order (ComfyUI sends heap order). */
export interface ComfyQueue {
  /** The running prompt, if any (0 or 1 item on a local ComfyUI). */
  readonly running: readonly ComfyQueueItem[]
  /** Waiting prompts, the next to run first. */
  readonly pending: readonly ComfyQueueItem[]
}

/** `status` of a history entry. Interrupted prompts read `status_str: "error"`; see `messages`. */
export interface ComfyHistoryStatus {
  readonly status_str: 'success' | 'error' | (string & {})
  readonly completed: boolean
  /** `[type, data]` pairs: `execution_start`, `execution_cached`, then the terminal `execution_*`. */
  readonly messages: readonly (readonly [string, unknown])[]
}

/** One entry of `GET /history/{id}`. */
export interface ComfyHistoryEntry {
  /** The queue item array as submitted. */
  readonly prompt: unknown
  /** Node id → UI output (`images`, `text`, …), cached outputs included. */
  readonly outputs: Readonly<Record<ComfyNodeId, ComfyNodeOutput>>
  /** Missing on servers before 2024-01-11. */
  readonly status?: ComfyHistoryStatus
  readonly meta?: Readonly<Record<ComfyNodeId, unknown>>
}

/** A file ComfyUI stores: what `images` entries and uploads name. */
export interface ComfyFileRef {
  readonly filename: string
  /** @default '' */
  readonly subfolder?: string
  /** `output`, `input` or `temp`. @default 'output' */
  readonly type?: string
}

/** The answer to `POST /upload/image` and `/upload/mask`. Use `subfolder/name` as a LoadImage value. */
export interface ComfyUploadResult {
  readonly name: string
  readonly subfolder: string
  readonly type: string
}

/** The bytes of a file fetched through `GET /view`. */
export interface ComfyViewResult {
  readonly bytes: Uint8Array
  /** The `Content-Type` ComfyUI sent, e.g. `image/png`; `application/octet-stream` if none. */
  readonly contentType: string
}

/** `GET /system_stats` (loosely typed: fields vary between versions). */
export interface ComfySystemStats {
  readonly system: {
    readonly os?: string
    /** `0.3.64`, or `v0.2.2-…` on older servers: parse leniently. */
    readonly comfyui_version?: string
    readonly python_version?: string
    readonly pytorch_version?: string
    readonly [key: string]: unknown
  }
  readonly devices: readonly {
    readonly name: string
    readonly type: string
    readonly [key: string]: unknown
  }[]
}

/** `GET /features` (0.3.45+): the server's feature flags. */
export interface ComfyServerFeatures {
  readonly supports_preview_metadata?: boolean
  readonly max_upload_size?: number
  readonly [flag: string]: unknown
}
