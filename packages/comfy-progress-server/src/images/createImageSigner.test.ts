import { describe, expect, it } from 'vitest'
import { createImageSigner } from './createImageSigner.js'

describe('createImageSigner', () => {
  it('makes URLs under the base path that it verifies', () => {
    const signer = createImageSigner({ secret: 'k', basePath: '/api' })
    const url = new URL(signer.url({ filename: 'ComfyUI 1.png', subfolder: 'a/b', type: 'temp' }), 'http://x')
    expect(url.pathname).toBe('/api/image/ComfyUI%201.png')
    expect(url.searchParams.get('type')).toBe('temp')
    expect(url.searchParams.get('subfolder')).toBe('a/b')
    const sig = url.searchParams.get('sig')!
    expect(signer.verify({ filename: 'ComfyUI 1.png', subfolder: 'a/b', type: 'temp' }, sig)).toBe(true)
    expect(new URL(signer.url({ filename: 'x.png' }), 'http://x').search).toMatch(/^\?sig=[\w-]{22}$/)
  })

  it('rejects another file, another folder, another secret and malformed signatures', () => {
    const signer = createImageSigner({ secret: 'k' })
    const sig = new URL(signer.url({ filename: 'a.png' }), 'http://x').searchParams.get('sig')!
    expect(signer.verify({ filename: 'b.png' }, sig)).toBe(false)
    expect(signer.verify({ filename: 'a.png', type: 'input' }, sig)).toBe(false)
    expect(signer.verify({ filename: 'a.png', subfolder: 's' }, sig)).toBe(false)
    expect(createImageSigner({ secret: 'other' }).verify({ filename: 'a.png' }, sig)).toBe(false)
    for (const bad of ['', 'short', `${sig}x`, sig.toUpperCase(), `ł${sig.slice(1)}`]) {
      expect(signer.verify({ filename: 'a.png' }, bad)).toBe(false)
    }
  })

  it('names and signs the backend of a file, and refuses the same file on another backend or none', () => {
    const signer = createImageSigner({ secret: 'k' })
    const url = new URL(signer.url({ filename: 'a.png', backend: 'gpu 1' }), 'http://x')
    expect(url.searchParams.get('backend')).toBe('gpu 1')
    const sig = url.searchParams.get('sig')!
    expect(signer.verify({ filename: 'a.png', backend: 'gpu 1' }, sig)).toBe(true)
    expect(signer.verify({ filename: 'a.png', backend: 'gpu0' }, sig)).toBe(false)
    expect(signer.verify({ filename: 'a.png' }, sig)).toBe(false)
  })

  it('uses a random secret by default', () => {
    const a = createImageSigner().url({ filename: 'a.png' })
    const b = createImageSigner().url({ filename: 'a.png' })
    expect(a).not.toBe(b)
  })
})
