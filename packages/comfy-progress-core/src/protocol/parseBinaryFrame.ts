import { decodeUtf8 } from '../internal/decodeUtf8.js'
import { parseFailure } from '../internal/parseFailure.js'
import type { ComfyPreviewMetadata } from './ComfyMessage.js'
import type { ParseMessageResult } from './ParseMessageResult.js'
import { type ComfyImageMimeType, sniffImageType } from './sniffImageType.js'

/** Binary event types of `protocol.py` (`BinaryEventTypes`) that reach the wire. */
const PREVIEW_IMAGE = 1
const TEXT = 3
const PREVIEW_IMAGE_WITH_METADATA = 4

/** Type 1's image kind for PNG; ComfyUI labels every other format 1 (JPEG). */
const IMAGE_KIND_PNG = 2

/**
 * Parses one binary WebSocket frame of ComfyUI: a 4-byte big-endian event type, then a payload that
 * depends on it (see `comfyui-protocol.md` §2). Types 1 and 4 become `preview_image`, type 3
 * `progress_text`, anything else `unknown_binary`. Image bytes are a view into `bytes`, never a copy.
 * Never throws. Called by `parseMessage`, which normalises every binary input to a plain `Uint8Array`.
 */
export function parseBinaryFrame(bytes: Uint8Array): ParseMessageResult {
  const length = bytes.length
  if (length < 4) {
    return truncated(`a binary frame of ${length} bytes has no room for its 4-byte event type`, {
      byteLength: length,
      offset: 0,
      needed: 4,
    })
  }
  const eventType = readUint32(bytes, 0)
  if (eventType !== PREVIEW_IMAGE && eventType !== TEXT && eventType !== PREVIEW_IMAGE_WITH_METADATA) {
    return { ok: true, message: { type: 'unknown_binary', eventType, bytes } }
  }
  if (length < 8) {
    return truncated(`a binary frame of type ${eventType} ends inside its 4-byte header field`, {
      eventType,
      byteLength: length,
      offset: 4,
      needed: 8,
    })
  }
  const field = readUint32(bytes, 4)
  if (eventType === PREVIEW_IMAGE) {
    return preview(bytes, {
      eventType: PREVIEW_IMAGE,
      start: 8,
      declared: field === IMAGE_KIND_PNG ? 'image/png' : 'image/jpeg',
    })
  }
  const end = 8 + field
  if (end > length) {
    const what = eventType === TEXT ? 'node id' : 'metadata JSON'
    return truncated(
      `a binary frame of type ${eventType} declares a ${field}-byte ${what} but has only ${length - 8} bytes after its header`,
      {
        eventType,
        byteLength: length,
        offset: 8,
        needed: end,
      },
    )
  }
  const head = decodeUtf8(bytes.subarray(8, end))
  if (eventType === TEXT) {
    const text = decodeUtf8(bytes.subarray(end))
    if (head === undefined || text === undefined) {
      return invalid(
        `a progress text frame (type 3) holds malformed UTF-8 in its ${head === undefined ? 'node id' : 'text'}`,
        {
          eventType,
          offset: head === undefined ? 8 : end,
        },
      )
    }
    return { ok: true, message: { type: 'progress_text', nodeId: head, text } }
  }
  const metadata = head === undefined ? undefined : parseMetadata(head)
  if (metadata === undefined) {
    return invalid(
      `the metadata of a preview frame (type 4) is not ${head === undefined ? 'valid UTF-8' : 'a JSON object with string ids'}`,
      { eventType, offset: 8, metadataLength: field },
    )
  }
  const imageType = metadata.image_type
  const declared: ComfyImageMimeType =
    imageType === 'image/png' || imageType === 'image/webp' || imageType === 'image/gif'
      ? imageType
      : 'image/jpeg'
  return preview(bytes, { eventType: PREVIEW_IMAGE_WITH_METADATA, start: end, declared, metadata })
}

function preview(
  bytes: Uint8Array,
  frame: {
    readonly eventType: 1 | 4
    readonly start: number
    readonly declared: ComfyImageMimeType
    readonly metadata?: ComfyPreviewMetadata
  },
): ParseMessageResult {
  const { eventType, start } = frame
  if (start >= bytes.length) {
    return truncated(`a preview frame (type ${eventType}) ends before its image`, {
      eventType,
      byteLength: bytes.length,
      offset: start,
      needed: start + 1,
    })
  }
  const image = bytes.subarray(start)
  return {
    ok: true,
    message: {
      type: 'preview_image',
      eventType,
      mimeType: sniffImageType(image) ?? frame.declared,
      image,
      metadata: frame.metadata ?? null,
    },
  }
}

/** The type-4 JSON, if it is an object whose known fields have their documented types. */
function parseMetadata(json: string): ComfyPreviewMetadata | undefined {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const meta = value as Record<string, unknown>
  return optionalString(meta.node_id) &&
    optionalString(meta.prompt_id) &&
    optionalString(meta.display_node_id) &&
    (meta.parent_node_id === null || optionalString(meta.parent_node_id)) &&
    optionalString(meta.real_node_id) &&
    optionalString(meta.image_type)
    ? meta
    : undefined
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string'
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  )
}

function truncated(problem: string, details: Record<string, unknown>): ParseMessageResult {
  return parseFailure(
    'BINARY_FRAME_TRUNCATED',
    `${problem}. The frame was cut short; drop it (a WebSocket delivers whole frames, so check any proxy or buffering in between).`,
    details,
  )
}

function invalid(problem: string, details: Record<string, unknown>): ParseMessageResult {
  return parseFailure(
    'BINARY_FRAME_INVALID',
    `${problem}. ComfyUI never sends this; drop the frame, and check the server or the custom node that sent it.`,
    details,
  )
}
