import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { encodePng } from './encodePng.js'
import { previewJpeg } from './previewJpeg.js'
import { renderOutputImage } from './renderOutputImage.js'
import { readPngSize, sniffImageFormat } from './sniffImage.js'

describe('images', () => {
  it('encodes PNGs that a real decoder reads back pixel for pixel', () => {
    const png = encodePng({
      width: 3,
      height: 2,
      pixel: (x, y) => [x * 100, y * 200, 7],
      text: { prompt: '{}' },
    })
    const decoded = PNG.sync.read(png)
    expect([decoded.width, decoded.height]).toEqual([3, 2])
    expect([...decoded.data.subarray(4 * 4, 4 * 4 + 4)]).toEqual([100, 200, 7, 255])
  })

  it('renders output images at the requested size, capped at 2048 px', () => {
    expect(readPngSize(renderOutputImage({ width: 512, height: 256, seed: 1 }))).toEqual({
      width: 512,
      height: 256,
    })
    expect(readPngSize(renderOutputImage({ width: 8192, height: 4096, seed: 1 }))).toEqual({
      width: 2048,
      height: 1024,
    })
  })

  it('ships a preview that is a real JPEG', () => {
    const image = jpeg.decode(previewJpeg())
    expect([image.width, image.height]).toEqual([128, 128])
    expect(sniffImageFormat(previewJpeg())).toBe('jpeg')
  })

  it('recognises images by magic bytes and nothing else', () => {
    expect(sniffImageFormat(Buffer.from('this is a text file, not an image'))).toBeUndefined()
    expect(readPngSize(Buffer.from('not a png'))).toBeUndefined()
  })
})
