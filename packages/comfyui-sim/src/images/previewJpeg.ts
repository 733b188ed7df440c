import { PREVIEW_JPEG_BASE64 } from '../data/previewJpeg.js'

/**
 * The JPEG the simulator sends as a live preview (decoded once from the bundled base64).
 *
 * @module
 */

let bytes: Buffer | undefined

/** The preview JPEG's bytes (shared; do not modify). */
export function previewJpeg(): Buffer {
  bytes ??= Buffer.from(PREVIEW_JPEG_BASE64, 'base64')
  return bytes
}
