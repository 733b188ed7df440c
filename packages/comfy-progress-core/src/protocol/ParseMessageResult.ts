import type { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyMessage } from './ComfyMessage.js'

/**
 * What {@link parseMessage} returns: the typed message, or the reason the frame was rejected. A
 * rejected frame is never thrown; its `error.code` is one of `MESSAGE_UNSUPPORTED_INPUT`,
 * `MESSAGE_NOT_JSON`, `MESSAGE_INVALID_SHAPE`, `BINARY_FRAME_TRUNCATED` or `BINARY_FRAME_INVALID`.
 */
export type ParseMessageResult =
  | { readonly ok: true; readonly message: ComfyMessage }
  | { readonly ok: false; readonly error: ComfyProgressError }
