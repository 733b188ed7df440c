import { toPythonJson } from '../internal/pythonJson.js'

/**
 * Builders for ComfyUI's binary frames: a big-endian uint32 event type, then the payload.
 *
 * @module
 */

/** Type 1 (`PREVIEW_IMAGE`): `[1][image kind: 1 JPEG, 2 PNG][image bytes]`. */
export function previewFrame(image: Uint8Array, kind: 1 | 2 = 1): Buffer {
  const frame = Buffer.alloc(8 + image.length)
  frame.writeUInt32BE(1, 0)
  frame.writeUInt32BE(kind, 4)
  frame.set(image, 8)
  return frame
}

/** The JSON of a type-4 preview, field for field as ComfyUI writes it. */
export interface PreviewMetadata {
  readonly node_id: string
  readonly prompt_id: string
  readonly display_node_id: string
  readonly parent_node_id: string | null
  readonly real_node_id: string
  readonly image_type: string
}

/** Type 4 (`PREVIEW_IMAGE_WITH_METADATA`): `[4][json length][json][image bytes]`. */
export function previewWithMetadataFrame(image: Uint8Array, metadata: PreviewMetadata): Buffer {
  const json = Buffer.from(toPythonJson(metadata), 'utf8')
  const frame = Buffer.alloc(8 + json.length + image.length)
  frame.writeUInt32BE(4, 0)
  frame.writeUInt32BE(json.length, 4)
  frame.set(json, 8)
  frame.set(image, 8 + json.length)
  return frame
}

/** The metadata of a preview of node `node` of prompt `promptId` (top-level node, JPEG). */
export function previewMetadata(node: string, promptId: string): PreviewMetadata {
  return {
    node_id: node,
    prompt_id: promptId,
    display_node_id: node,
    parent_node_id: null,
    real_node_id: node,
    image_type: 'image/jpeg',
  }
}
