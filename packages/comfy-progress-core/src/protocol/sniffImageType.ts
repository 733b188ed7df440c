/** The image types a ComfyUI preview can carry, as MIME types. */
export type ComfyImageMimeType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif'

/**
 * The real type of an encoded image, read from its first bytes (its "magic number"), or `undefined`
 * if they match none of JPEG (`FF D8 FF`), PNG (`89 50 4E 47 0D 0A 1A 0A`), WEBP (`RIFF` … `WEBP`)
 * and GIF (`GIF8`). ComfyUI labels every non-PNG preview as JPEG, so the bytes are the only reliable
 * source; what the frame declares is the fallback.
 */
export function sniffImageType(bytes: Uint8Array): ComfyImageMimeType | undefined {
  const b0 = bytes[0]
  if (b0 === 0xff) {
    return bytes[1] === 0xd8 && bytes[2] === 0xff ? 'image/jpeg' : undefined
  }
  if (b0 === 0x89) {
    return bytes[1] === 0x50 &&
      bytes[2] === 0x4e &&
      bytes[3] === 0x47 &&
      bytes[4] === 0x0d &&
      bytes[5] === 0x0a &&
      bytes[6] === 0x1a &&
      bytes[7] === 0x0a
      ? 'image/png'
      : undefined
  }
  if (b0 === 0x52) {
    // "RIFF", a 4-byte size, then "WEBP"
    return bytes[1] === 0x49 &&
      bytes[2] === 0x46 &&
      bytes[3] === 0x46 &&
      bytes[8] === 0x57 &&
      bytes[9] === 0x45 &&
      bytes[10] === 0x42 &&
      bytes[11] === 0x50
      ? 'image/webp'
      : undefined
  }
  if (b0 === 0x47) {
    // "GIF8" (GIF87a and GIF89a)
    return bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x38 ? 'image/gif' : undefined
  }
  return undefined
}
