import { describe, expect, it } from 'vitest'
import { decodeUtf8 } from './decodeUtf8.js'

describe('decodeUtf8', () => {
  it('decodes UTF-8, including multi-byte characters, and an empty input', () => {
    expect(decodeUtf8(new TextEncoder().encode('node 54:73 ✓ 日本 🎨'))).toBe('node 54:73 ✓ 日本 🎨')
    expect(decodeUtf8(new Uint8Array(0))).toBe('')
  })

  it('keeps a byte order mark instead of silently dropping it', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA')
  })

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated 2-byte sequence', [0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
  ])('gives undefined for %s, never replacement characters', (_label, values) => {
    expect(decodeUtf8(new Uint8Array(values))).toBe(undefined)
  })
})
