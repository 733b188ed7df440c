import { parseFailure } from '../internal/parseFailure.js'
import { parseBinaryFrame } from './parseBinaryFrame.js'
import type { ParseMessageResult } from './ParseMessageResult.js'
import { parseTextFrame } from './parseTextFrame.js'

/** `ArrayBuffer.prototype.byteLength`'s getter: it throws for anything that is not a real ArrayBuffer. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(value) below
const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get

/**
 * Parses one frame from ComfyUI's WebSocket into a typed {@link ComfyMessage}. **Never throws**, for
 * any value at all: a frame it cannot use comes back as `{ok: false, error}`, where `error` is a
 * {@link ComfyProgressError} whose `code` says why and whose `details` hold the evidence.
 *
 * - A **string** is a text frame, `{"type", "data"}`. The modelled types (`status`, `executing`,
 *   `progress`, `progress_state`, `executed`, `execution_*`, `feature_flags`) are checked for the fields
 *   consumers rely on and returned as the parsed JSON object itself; extra fields are kept, documented
 *   nulls and missing optional fields are accepted. Any other `type` becomes
 *   `{type: 'unknown', rawType, data}`, which is tolerated, never an error.
 * - An **ArrayBuffer** or **Uint8Array** (a Node `Buffer` too, whatever its `byteOffset`; any other
 *   `ArrayBuffer` view is accepted as well) is a binary frame: previews (types 1 and 4) become
 *   `preview_image`, with the image as a zero-copy view and its MIME type sniffed from its bytes;
 *   progress text (type 3) becomes `progress_text`; other types become `unknown_binary`.
 *
 * Pass text frames as strings: with `ws` in Node, convert `data` when `isBinary` is false. In
 * browsers, set `socket.binaryType = 'arraybuffer'` (a `Blob` is rejected).
 *
 * Error codes: `MESSAGE_UNSUPPORTED_INPUT` (not a string or bytes), `MESSAGE_NOT_JSON`,
 * `MESSAGE_INVALID_SHAPE` (a modelled type with a field of the wrong type; `details.field`),
 * `BINARY_FRAME_TRUNCATED` (`details.offset`, `details.needed`), `BINARY_FRAME_INVALID` (bad UTF-8 or
 * JSON in a binary frame).
 *
 * @param frame - A WebSocket message's data, exactly as received.
 * @returns `{ok: true, message}` or `{ok: false, error}`.
 *
 * @example
 * ```ts
 * import { parseMessage } from '@comfy-progress/core'
 *
 * socket.binaryType = 'arraybuffer'
 * socket.onmessage = (event) => {
 *   const result = parseMessage(event.data)
 *   if (!result.ok) return console.warn(result.error.code, result.error.message)
 *   const { message } = result
 *   if (message.type === 'progress') console.log(`${message.data.value}/${message.data.max}`)
 *   if (message.type === 'preview_image') showPreview(new Blob([message.image], { type: message.mimeType }))
 * }
 * ```
 */
export function parseMessage(frame: string | ArrayBuffer | Uint8Array): ParseMessageResult {
  const value: unknown = frame
  try {
    if (typeof value === 'string') return parseTextFrame(value)
    if (ArrayBuffer.isView(value)) {
      return parseBinaryFrame(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    }
    if (isArrayBuffer(value)) return parseBinaryFrame(new Uint8Array(value))
  } catch (cause) {
    // Only a hostile or broken buffer gets here (a detached buffer, a view with lying getters).
    return parseFailure(
      'MESSAGE_UNSUPPORTED_INPUT',
      `the frame's bytes could not be read (${cause instanceof Error ? cause.name : 'error'}); was its buffer transferred or detached?`,
      { receivedType: describeInput(value) },
    )
  }
  return unsupported(value)
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  if (typeof value !== 'object' || value === null || arrayBufferByteLength === undefined) return false
  try {
    arrayBufferByteLength.call(value)
    return true
  } catch {
    return false
  }
}

function unsupported(value: unknown): ParseMessageResult {
  const receivedType = describeInput(value)
  let hint =
    'Pass the WebSocket message data: a string for text frames, an ArrayBuffer or Uint8Array for binary ones.'
  if (receivedType === 'Blob') {
    hint = "Binary frames arrive as Blob by default in browsers: set `socket.binaryType = 'arraybuffer'`."
  } else if (receivedType === 'Array') {
    hint = "With `ws`, binaryType 'fragments' delivers arrays: use 'nodebuffer' or 'arraybuffer'."
  } else if (hasDataField(value)) {
    hint = 'This looks like the message event itself: pass `event.data`.'
  }
  return parseFailure(
    'MESSAGE_UNSUPPORTED_INPUT',
    `parseMessage was given ${receivedType}, which is not a WebSocket frame. ${hint}`,
    {
      receivedType,
    },
  )
}

/** `string`, `null`, `undefined`, `number`, … for primitives; the class name (`Blob`, `Object`) for objects. */
function describeInput(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value
  try {
    return Object.prototype.toString.call(value).slice(8, -1)
  } catch {
    return typeof value // a revoked Proxy, or a throwing Symbol.toStringTag getter
  }
}

function hasDataField(value: unknown): boolean {
  try {
    return typeof value === 'object' && value !== null && 'data' in value
  } catch {
    return false
  }
}
