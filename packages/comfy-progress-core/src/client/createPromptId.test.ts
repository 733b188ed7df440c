import { describe, expect, it } from 'vitest'
import { createClientId } from './createClientId.js'
import { createPromptId, isCanonicalPromptId } from './createPromptId.js'

describe('createPromptId', () => {
  it('makes canonical lowercase UUID v4s that never repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => createPromptId()))
    expect(ids.size).toBe(2000)
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(isCanonicalPromptId(id)).toBe(true)
    }
  })

  it('rejects ids that are not canonical UUIDs', () => {
    for (const bad of ['', 'abc', 'A3BB189E-8BF9-4888-9912-ACE4E6543002', 42, null, undefined]) {
      expect(isCanonicalPromptId(bad)).toBe(false)
    }
  })
})

describe('createClientId', () => {
  it('makes 32 lowercase hex characters, like ComfyUI', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createClientId()))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('without crypto.getRandomValues', () => {
  it('fails with CRYPTO_UNAVAILABLE instead of making a guessable id', async () => {
    const { vi } = await import('vitest')
    vi.stubGlobal('crypto', undefined)
    try {
      expect(() => createPromptId()).toThrowError(expect.objectContaining({ code: 'CRYPTO_UNAVAILABLE' }))
      expect(() => createClientId()).toThrowError(expect.objectContaining({ code: 'CRYPTO_UNAVAILABLE' }))
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
