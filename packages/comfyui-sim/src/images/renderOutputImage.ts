import { encodePng } from './encodePng.js'

/**
 * The pictures the simulator "generates" for SaveImage and PreviewImage: a smooth two-colour
 * gradient picked from a seed, encoded as a real PNG (with the `prompt` text chunk SaveImage
 * writes), so that `/view` serves files any image decoder opens.
 *
 * @module
 */

/** Options of {@link renderOutputImage}. */
export interface RenderOptions {
  readonly width: number
  readonly height: number
  /** Any integer; the same seed gives the same picture. */
  readonly seed: number
  /** PNG `tEXt` chunks. */
  readonly text?: Readonly<Record<string, string>>
}

/** The largest side the simulator renders; larger requests are scaled down to keep memory bounded. */
export const MAX_RENDER_SIDE = 2048

/** Renders a PNG. */
export function renderOutputImage(options: RenderOptions): Buffer {
  const scale = Math.min(1, MAX_RENDER_SIDE / Math.max(options.width, options.height, 1))
  const width = Math.max(1, Math.round(options.width * scale))
  const height = Math.max(1, Math.round(options.height * scale))
  const seed = Math.abs(Math.trunc(options.seed)) >>> 0
  const from = [seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff] as const
  const to = [255 - from[1], 255 - from[2], 255 - from[0]] as const
  const rgb = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    const row = y * width * 3
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2
      const offset = row + x * 3
      rgb[offset] = mix(from[0], to[0], t)
      rgb[offset + 1] = mix(from[1], to[1], t)
      rgb[offset + 2] = mix(from[2], to[2], t)
    }
  }
  return encodePng({ width, height, rgb, ...(options.text ? { text: options.text } : {}) })
}

function mix(a: number, b: number, t: number): number {
  return Math.round(a + (b - a) * t)
}
