import { deflateSync } from 'node:zlib'

/**
 * A minimal PNG encoder (8-bit RGB, no interlace) on Node's zlib, for the images the simulator
 * "generates": SaveImage/PreviewImage outputs and the placeholder input image.
 *
 * @module
 */

/** What to draw: a size, and the colour of each pixel. */
export interface PngImage {
  readonly width: number
  readonly height: number
  /** Returns `[r, g, b]` (0–255) for pixel `(x, y)`. Ignored when `rgb` is given. */
  readonly pixel?: (x: number, y: number) => readonly [number, number, number]
  /** The pixels as packed RGB bytes, row by row (`width * height * 3` bytes). */
  readonly rgb?: Uint8Array
  /** `tEXt` chunks, as SaveImage writes `prompt` and `workflow`. */
  readonly text?: Readonly<Record<string, string>>
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Encodes an RGB image as a valid PNG file. */
export function encodePng(image: PngImage): Buffer {
  const { width, height } = image
  const stride = width * 3 + 1
  const raw = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0 // filter: none
    if (image.rgb) {
      raw.set(image.rgb.subarray(y * width * 3, (y + 1) * width * 3), y * stride + 1)
      continue
    }
    for (let x = 0; x < width; x++) {
      const [r, g, b] = image.pixel?.(x, y) ?? [0, 0, 0]
      const offset = y * stride + 1 + x * 3
      raw[offset] = r
      raw[offset + 1] = g
      raw[offset + 2] = b
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  const chunks = [chunk('IHDR', header)]
  for (const [key, value] of Object.entries(image.text ?? {})) {
    chunks.push(
      chunk(
        'tEXt',
        Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]),
      ),
    )
  }
  chunks.push(chunk('IDAT', deflateSync(raw, { level: 4 })), chunk('IEND', Buffer.alloc(0)))
  return Buffer.concat([SIGNATURE, ...chunks])
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

let crcTable: Uint32Array | undefined

/** CRC-32 (ISO 3309), as PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
