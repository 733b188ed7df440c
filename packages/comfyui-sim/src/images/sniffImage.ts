/**
 * Recognises image files by their magic bytes, as Pillow does before it decodes anything: the
 * simulator's LoadImage fails with `PIL.UnidentifiedImageError` on anything else.
 *
 * @module
 */

/** Image formats the simulator recognises. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp'

/** The format of an image file, or `undefined` if the bytes are not an image Pillow would open. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (...magic: number[]): boolean => magic.every((b, i) => bytes[i] === b)
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif'
  if (starts(0x42, 0x4d) && bytes.length > 26) return 'bmp'
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42)
    return 'webp'
  return undefined
}

/** Width and height from a PNG's IHDR chunk, or `undefined` if the bytes are not a PNG. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (sniffImageFormat(bytes) !== 'png' || bytes.length < 24) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

/** The MIME type served for a file name, from its extension (ComfyUI serves files by extension). */
export function contentTypeFor(filename: string): string {
  const extension = filename.slice(filename.lastIndexOf('.') + 1).toLowerCase()
  const types: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    webp: 'image/webp',
    gif: 'image/gif',
    bmp: 'image/bmp',
    json: 'application/json',
    txt: 'text/plain',
  }
  return types[extension] ?? 'application/octet-stream'
}
