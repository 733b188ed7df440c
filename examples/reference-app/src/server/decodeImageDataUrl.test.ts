import { describe, expect, it } from 'vitest'
import { decodeImageDataUrl } from './decodeImageDataUrl.js'

const dataUrl = (type: string, bytes: number[]) =>
  `data:${type};base64,${Buffer.from(bytes).toString('base64')}`
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16]
const WEBP = [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]

describe('decodeImageDataUrl', () => {
  it('decodes PNG, JPEG and WebP data URLs, typed by their bytes', () => {
    expect(decodeImageDataUrl(dataUrl('image/png', PNG))).toMatchObject({
      contentType: 'image/png',
      extension: 'png',
    })
    expect(decodeImageDataUrl(dataUrl('image/png', JPEG))).toMatchObject({
      contentType: 'image/jpeg',
      extension: 'jpg',
    })
    expect(decodeImageDataUrl(dataUrl('image/webp', WEBP))).toMatchObject({ contentType: 'image/webp' })
    expect(decodeImageDataUrl(dataUrl('image/png', PNG))?.bytes).toEqual(new Uint8Array(PNG))
  })

  it('is undefined for anything else: not a string, another scheme or type, bytes that are no image', () => {
    for (const value of [
      undefined,
      42,
      'https://example.com/a.png',
      dataUrl('image/gif', PNG),
      dataUrl('image/png', [1, 2, 3, 4, 5, 6, 7, 8]),
      dataUrl('image/webp', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')]),
      'data:image/png;base64,@@@',
    ]) {
      expect(decodeImageDataUrl(value)).toBeUndefined()
    }
  })
})
