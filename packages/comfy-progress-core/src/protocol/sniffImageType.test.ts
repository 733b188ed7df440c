import { describe, expect, it } from 'vitest'
import { sniffImageType } from './sniffImageType.js'

const bytes = (...values: (number | string)[]): Uint8Array =>
  new Uint8Array(
    values.flatMap((value) => (typeof value === 'string' ? [...value].map((c) => c.charCodeAt(0)) : [value])),
  )

describe('sniffImageType', () => {
  it.each([
    ['JPEG (JFIF)', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
    ['JPEG (Exif)', bytes(0xff, 0xd8, 0xff, 0xe1), 'image/jpeg'],
    ['PNG', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), 'image/png'],
    ['WEBP', bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 '), 'image/webp'],
    ['GIF87a', bytes('GIF87a'), 'image/gif'],
    ['GIF89a', bytes('GIF89a'), 'image/gif'],
  ])('recognises %s', (_label, input, expected) => {
    expect(sniffImageType(input)).toBe(expected)
  })

  it.each([
    ['empty', bytes()],
    ['a lone FF', bytes(0xff)],
    ['FF D8 without the third FF', bytes(0xff, 0xd8, 0x00)],
    ['a PNG signature cut short', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a)],
    ['a PNG signature with a wrong byte', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0b)],
    ['RIFF WAVE (audio)', bytes('RIFF', 0x24, 0, 0, 0, 'WAVEfmt ')],
    ['RIFF cut before its form type', bytes('RIFF', 0x24, 0, 0, 0, 'WEB')],
    ['GIF7', bytes('GIF7')],
    ['text', bytes('{"type":"status"}')],
  ])('returns undefined for %s', (_label, input) => {
    expect(sniffImageType(input)).toBe(undefined)
  })

  it('reads a view at its own offset', () => {
    const buffer = bytes(0, 0, 0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a)
    expect(sniffImageType(buffer.subarray(2))).toBe('image/png')
    expect(sniffImageType(buffer)).toBe(undefined)
  })
})
