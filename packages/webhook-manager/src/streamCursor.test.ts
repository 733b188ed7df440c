import { describe, expect, it } from 'vitest'
import { formatCursor, readSeq } from './streamCursor.js'

describe('formatCursor', () => {
  it('writes taskId:seq pairs for the tasks that have received an event, in order', () => {
    expect(
      formatCursor([
        ['a', 5],
        ['b', 0],
        ['c', 9],
      ]),
    ).toBe('a:5,c:9')
  })

  it('is empty when no task has received anything', () => {
    expect(formatCursor([['a', 0]])).toBe('')
    expect(formatCursor([])).toBe('')
  })
})

describe('readSeq', () => {
  it("reads the task's position from the server's multi-task cursor", () => {
    expect(readSeq('mB3kV0c6TnS8yq1Zp4W2xA:5,Q9d-2LrUe0aXk7YbWmHc1g:9', 'Q9d-2LrUe0aXk7YbWmHc1g')).toBe(9)
    expect(readSeq('a:5', 'a')).toBe(5)
  })

  it('says nothing for an id without a usable pair for the task', () => {
    expect(readSeq('', 'a')).toBeUndefined()
    expect(readSeq('b:5', 'a')).toBeUndefined()
    expect(readSeq('a:', 'a')).toBeUndefined()
    expect(readSeq('a:x', 'a')).toBeUndefined()
    expect(readSeq('a:-1', 'a')).toBeUndefined()
    expect(readSeq('a:1e3', 'a')).toBeUndefined()
    expect(readSeq('a:9999999999999999999', 'a')).toBeUndefined()
    expect(readSeq('7', 'a')).toBeUndefined()
  })
})
