/**
 * The recording format of `fixtures/comfyui/`: one JSON object per line, the first one `{meta}`,
 * then every WebSocket frame and HTTP exchange a client saw, in order. Real ComfyUI traffic in this
 * format is the ground truth for the parser, the progress model and the simulator; the simulator's
 * recorder writes it, and its replayer reads it, so users can record their own workflows.
 *
 * @module
 */

/** The first line of a recording: where and how it was made, and what each prompt ended with. */
export interface RecordingMeta {
  readonly scenario?: string
  readonly description?: string
  readonly comfyui_version?: string
  readonly client_ids?: readonly string[]
  readonly prompt_ids?: readonly string[]
  readonly workflows?: readonly string[]
  /** Per prompt id: the terminal message seen and whether `executing {node: null}` followed. */
  readonly outcome?: Readonly<
    Record<string, { readonly terminal: string | null; readonly executing_null_seen: boolean }>
  >
  readonly [key: string]: unknown
}

interface RecordingWsBase {
  /** Milliseconds since the scenario started, when the recorder handled the frame. */
  readonly t: number
  readonly ch: 'ws'
  /** The client id of the socket. */
  readonly client: string
  /** Counts the connections this client id has made (1 for the first). */
  readonly conn: number
}

/** A text frame the server sent; `data` is the frame's JSON. */
export interface RecordingWsText extends RecordingWsBase {
  readonly kind: 'text'
  readonly data: unknown
}

/** A binary frame the server sent. `b64` holds the whole frame for the first few of each file only. */
export interface RecordingWsBinary extends RecordingWsBase {
  readonly kind: 'binary'
  readonly bytes: number
  readonly head_hex: string
  readonly event_type: number
  readonly b64?: string
  readonly b64_dropped?: boolean
}

/** Recorder annotations, not server messages: socket opened, closed, or a frame the client sent. */
export interface RecordingWsAnnotation extends RecordingWsBase {
  readonly kind: 'open' | 'closed' | 'sent'
  readonly url?: string
  readonly close_code?: number | null
  readonly data?: unknown
}

/** One HTTP exchange. */
export interface RecordingHttp {
  readonly t: number
  readonly t_req: number
  readonly ch: 'http'
  readonly method: string
  readonly path: string
  readonly query?: Readonly<Record<string, string>>
  readonly request: unknown
  readonly status: number
  readonly content_type?: string | null
  /** The JSON (or text) body; absent for binary bodies such as `GET /view`, which record `bytes`. */
  readonly response?: unknown
  readonly bytes?: number
}

/** Any line after the first. */
export type RecordingEntry = RecordingWsText | RecordingWsBinary | RecordingWsAnnotation | RecordingHttp

/** A parsed recording. */
export interface Recording {
  readonly meta: RecordingMeta
  readonly entries: readonly RecordingEntry[]
}
