/** An image sent by a page, decoded. */
export interface DecodedImage {
  readonly bytes: Uint8Array
  readonly contentType: 'image/png' | 'image/jpeg' | 'image/webp'
  /** The extension ComfyUI's file name gets. */
  readonly extension: 'png' | 'jpg' | 'webp'
}

const DATA_URL = /^data:image\/(?:png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/
const SIGNATURES: readonly [number[], DecodedImage['contentType'], DecodedImage['extension']][] = [
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png', 'png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg', 'jpg'],
  [[0x52, 0x49, 0x46, 0x46], 'image/webp', 'webp'],
]

/**
 * Decodes a `data:image/…;base64,…` URL. The type comes from the bytes (their signature), not from
 * what the URL claims; anything that is not a PNG, JPEG or WebP image is `undefined`.
 *
 * @example
 * ```ts
 * decodeImageDataUrl(canvas.toDataURL('image/png'))?.contentType // 'image/png'
 * ```
 */
export function decodeImageDataUrl(value: unknown): DecodedImage | undefined {
  if (typeof value !== 'string') return undefined
  const match = DATA_URL.exec(value)
  if (match === null) return undefined
  const bytes = new Uint8Array(Buffer.from(match[1]!, 'base64'))
  for (const [signature, contentType, extension] of SIGNATURES) {
    if (signature.every((byte, index) => bytes[index] === byte)) {
      if (contentType === 'image/webp' && String.fromCharCode(...bytes.subarray(8, 12)) !== 'WEBP') continue
      return { bytes, contentType, extension }
    }
  }
  return undefined
}
