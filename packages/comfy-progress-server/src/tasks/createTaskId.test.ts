import { describe, expect, it } from 'vitest'
import { createTaskId, isTaskId } from './createTaskId.js'

describe('createTaskId', () => {
  it('makes 22 URL-safe characters that decode to 16 random bytes', () => {
    const id = createTaskId()
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Buffer.from(id, 'base64url')).toHaveLength(16)
    expect(encodeURIComponent(id)).toBe(id)
  })

  it('never repeats across many ids', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => createTaskId()))
    expect(ids.size).toBe(10_000)
  })
})

describe('isTaskId', () => {
  it('accepts ids made by createTaskId', () => {
    for (let i = 0; i < 100; i++) expect(isTaskId(createTaskId())).toBe(true)
  })

  it('rejects anything else', () => {
    const bad: unknown[] = [
      '',
      'short',
      'a'.repeat(21),
      'a'.repeat(23),
      'aaaaaaaaaaaaaaaaaaaaa/',
      'aaaaaaaaaaaaaaaaaaaaa+',
      'aaaaaaaaaaaaaaaaaaaaa=',
      'aaaaaaaaaaaaaaaaaaaaa\n',
      'aaaaaaaaaa aaaaaaaaaaa',
      42,
      null,
      undefined,
      { toString: () => 'a'.repeat(22) },
    ]
    for (const value of bad) expect(isTaskId(value)).toBe(false)
  })
})
