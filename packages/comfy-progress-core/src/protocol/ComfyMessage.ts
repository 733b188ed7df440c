/**
 * The messages a ComfyUI server sends on its WebSocket, as a discriminated union on `type`.
 *
 * Text frames keep ComfyUI's own wire shape (`{type, data}` with snake_case fields), so that what a
 * developer reads here is what ComfyUI's documentation and logs show. Binary frames become
 * `preview_image`, `progress_text` or `unknown_binary`. Types only: parsing lives in
 * `parseMessage.ts`. Every field is documented against `comfyui-protocol.md` and the recordings in
 * `fixtures/comfyui/` (ComfyUI 0.3.64).
 *
 * @module
 */

/** A ComfyUI node id. Opaque: `"12"`, `"54:73"` (subgraphs) or `"5.0.0.3"` (server-side expansion). */
export type ComfyNodeId = string

/** `status`: queue length. Broadcast to every socket; the first one on a socket carries `sid`. */
export interface ComfyStatusMessage {
  readonly type: 'status'
  readonly data: {
    /** `null` or missing on some servers; treat as "unknown". */
    readonly status?: { readonly exec_info: { readonly queue_remaining: number } } | null
    /** The client id the server registered this socket under; only in the on-connect frame. */
    readonly sid?: string
  }
}

/** `execution_start`: the first frame of a prompt (submitter only). */
export interface ComfyExecutionStartMessage {
  readonly type: 'execution_start'
  readonly data: { readonly prompt_id: string; readonly timestamp?: number }
}

/** `execution_cached`: nodes whose outputs were cached; they get no `executing` or `progress`. */
export interface ComfyExecutionCachedMessage {
  readonly type: 'execution_cached'
  readonly data: {
    readonly nodes: readonly ComfyNodeId[]
    readonly prompt_id: string
    readonly timestamp?: number
  }
}

/**
 * `executing`: a node started. Three shapes on the wire:
 * - node start: `{node, display_node, prompt_id}`;
 * - end of prompt: `{node: null, prompt_id}` (no `display_node`), after the terminal `execution_*`;
 * - reconnect replay: `{node}` only, where `node` is the display id and there is no `prompt_id`.
 */
export interface ComfyExecutingMessage {
  readonly type: 'executing'
  readonly data: {
    readonly node: ComfyNodeId | null
    readonly display_node?: ComfyNodeId
    readonly prompt_id?: string
  }
}

/** `progress`: one update of a node's progress bar (e.g. a sampler step). */
export interface ComfyProgressMessage {
  readonly type: 'progress'
  readonly data: {
    readonly value: number
    readonly max: number
    /**
     * Missing on servers before 2024-01-01; `null` when a bar reports outside any prompt (0.3.64's
     * progress hook falls back to the server's last prompt id, which starts as `None`).
     */
    readonly prompt_id?: string | null
    /** The unique id of the node running the bar; missing on servers before 2024-01-01. */
    readonly node?: ComfyNodeId | null
  }
}

/** One node's entry in a `progress_state` snapshot. */
export interface ComfyNodeProgressState {
  readonly value: number
  readonly max: number
  /** `"running"` or `"finished"` in practice; `"pending"` is filtered out by the server. */
  readonly state: 'running' | 'finished' | 'pending' | 'error'
  readonly node_id: ComfyNodeId
  readonly prompt_id: string
  readonly display_node_id: ComfyNodeId
  readonly parent_node_id: ComfyNodeId | null
  readonly real_node_id: ComfyNodeId
}

/** `progress_state` (0.3.45+): a full snapshot of every non-pending node of the prompt. */
export interface ComfyProgressStateMessage {
  readonly type: 'progress_state'
  readonly data: {
    readonly prompt_id: string
    readonly nodes: Readonly<Record<ComfyNodeId, ComfyNodeProgressState>>
  }
}

/** A file a node produced, as found in `executed.output.images` and history outputs. */
export interface ComfyImageRef {
  readonly filename: string
  readonly subfolder: string
  /** `output`, `temp` (PreviewImage) or `input`. */
  readonly type: string
}

/** A node's UI output dict. Shapes are defined per node; `images` is the common one. */
export interface ComfyNodeOutput {
  readonly images?: readonly ComfyImageRef[]
  readonly [key: string]: unknown
}

/** `executed`: an output node finished (or a cached output node was replayed). */
export interface ComfyExecutedMessage {
  readonly type: 'executed'
  readonly data: {
    readonly node: ComfyNodeId
    readonly display_node?: ComfyNodeId
    /** May be `null` for cached output nodes. */
    readonly output: ComfyNodeOutput | null
    readonly prompt_id: string
  }
}

/** `execution_success`: the prompt finished (servers since 2024-07-21). */
export interface ComfyExecutionSuccessMessage {
  readonly type: 'execution_success'
  readonly data: { readonly prompt_id: string; readonly timestamp?: number }
}

/**
 * `execution_error`. Fatal, except when `exception_type === "ExecutionBlocked"`: then execution
 * continues, and the frame has no `timestamp`. `traceback` holds server file paths: never show it to
 * end users.
 */
export interface ComfyExecutionErrorMessage {
  readonly type: 'execution_error'
  readonly data: {
    readonly prompt_id: string
    /** The real top-level node id. */
    readonly node_id: ComfyNodeId
    /** The node's `class_type`. */
    readonly node_type: string
    readonly executed: readonly ComfyNodeId[]
    readonly exception_message: string
    /** Python type name: `RuntimeError`, `PIL.UnidentifiedImageError`, `ExecutionBlocked`, … */
    readonly exception_type: string
    readonly traceback: readonly string[]
    readonly current_inputs: unknown
    readonly current_outputs: unknown
    readonly timestamp?: number
  }
}

/** `execution_interrupted`: the prompt was stopped by `POST /interrupt`. */
export interface ComfyExecutionInterruptedMessage {
  readonly type: 'execution_interrupted'
  readonly data: {
    readonly prompt_id: string
    readonly node_id: ComfyNodeId
    readonly node_type: string
    readonly executed: readonly ComfyNodeId[]
    readonly timestamp?: number
  }
}

/** `feature_flags`: the server's answer to the client's handshake (0.3.45+). */
export interface ComfyFeatureFlagsMessage {
  readonly type: 'feature_flags'
  readonly data: {
    readonly supports_preview_metadata?: boolean
    readonly max_upload_size?: number
    readonly [flag: string]: unknown
  }
}

/** A text frame of a type this SDK does not model (`logs`, custom nodes, newer servers). Tolerated. */
export interface ComfyUnknownMessage {
  readonly type: 'unknown'
  /** The `type` field as ComfyUI sent it. */
  readonly rawType: string
  readonly data: unknown
}

/** Metadata of a type-4 preview (`PREVIEW_IMAGE_WITH_METADATA`). */
export interface ComfyPreviewMetadata {
  readonly node_id?: ComfyNodeId
  readonly prompt_id?: string
  readonly display_node_id?: ComfyNodeId
  readonly parent_node_id?: ComfyNodeId | null
  readonly real_node_id?: ComfyNodeId
  readonly image_type?: string
  readonly [key: string]: unknown
}

/** A live preview of the sampler (binary type 1, or type 4 with metadata). */
export interface ComfyPreviewImageMessage {
  readonly type: 'preview_image'
  /** The binary event type on the wire: 1 (`PREVIEW_IMAGE`) or 4 (`PREVIEW_IMAGE_WITH_METADATA`). */
  readonly eventType: 1 | 4
  /** The image's real MIME type, sniffed from its bytes and falling back to what the frame declares. */
  readonly mimeType: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif'
  /** The encoded image, a view into the frame (not a copy). */
  readonly image: Uint8Array
  /** Type 4 only; `null` for type 1, which carries no prompt or node id. */
  readonly metadata: ComfyPreviewMetadata | null
}

/** Progress text (binary type 3): a node's free-form status line. Broadcast; carries no prompt id. */
export interface ComfyProgressTextMessage {
  readonly type: 'progress_text'
  readonly nodeId: ComfyNodeId
  readonly text: string
}

/** A binary frame of a type this SDK does not model. Tolerated. */
export interface ComfyUnknownBinaryMessage {
  readonly type: 'unknown_binary'
  /** The first 4 bytes read as a big-endian unsigned integer. */
  readonly eventType: number
  /** The whole frame, including the 4-byte event type, as a view (not a copy). */
  readonly bytes: Uint8Array
}

/** Every message a ComfyUI WebSocket can deliver, text or binary. */
export type ComfyMessage =
  | ComfyStatusMessage
  | ComfyExecutionStartMessage
  | ComfyExecutionCachedMessage
  | ComfyExecutingMessage
  | ComfyProgressMessage
  | ComfyProgressStateMessage
  | ComfyExecutedMessage
  | ComfyExecutionSuccessMessage
  | ComfyExecutionErrorMessage
  | ComfyExecutionInterruptedMessage
  | ComfyFeatureFlagsMessage
  | ComfyUnknownMessage
  | ComfyPreviewImageMessage
  | ComfyProgressTextMessage
  | ComfyUnknownBinaryMessage

/** The `type` of every message. */
export type ComfyMessageType = ComfyMessage['type']

/** Narrows {@link ComfyMessage} to one `type`. */
export type ComfyMessageOf<TType extends ComfyMessageType> = Extract<ComfyMessage, { type: TType }>
