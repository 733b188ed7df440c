import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { formatSseComment, formatSseEvent, formatSseFields } from './formatSseEvent.js'

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn()
    return 'no error'
  } catch (error) {
    return isComfyProgressError(error) ? error.code : error
  }
}

describe('formatSseEvent', () => {
  it('writes event, data, id and retry lines and a dispatching blank line', () => {
    expect(formatSseEvent({ event: 'in-progress', data: '{"a":1}', id: '7', retry: 3000 })).toBe(
      'event: in-progress\ndata: {"a":1}\nid: 7\nretry: 3000\n\n',
    )
    expect(formatSseEvent({ data: 'x' })).toBe('data: x\n\n')
    expect(formatSseEvent({ retry: 0 })).toBe('retry: 0\n\n')
  })

  it('splits multi-line data into one data line per line, whatever the line break', () => {
    expect(formatSseEvent({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n')
    expect(formatSseEvent({ data: '' })).toBe('data: \n\n')
    expect(formatSseEvent({ data: 'end\n' })).toBe('data: end\ndata: \n\n')
  })

  it('keeps a value that looks like a field inside its data line', () => {
    expect(formatSseEvent({ data: 'id: 99\nevent: completed' })).toBe(
      'data: id: 99\ndata: event: completed\n\n',
    )
  })

  it('refuses CR, LF or NUL in event and id', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\r\nb', '\n', 'a\0b']) {
      expect(codeOf(() => formatSseEvent({ event: bad, data: 'x' }))).toBe('SSE_FIELD_INVALID')
      expect(codeOf(() => formatSseEvent({ id: bad, data: 'x' }))).toBe('SSE_FIELD_INVALID')
    }
  })

  it('refuses a retry that is not a whole number ≥ 0', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(codeOf(() => formatSseEvent({ retry: bad }))).toBe('SSE_FIELD_INVALID')
    }
  })

  it('formatSseFields leaves out the blank line so more fields can follow', () => {
    expect(formatSseFields({ event: 'queued', data: '{}' })).toBe('event: queued\ndata: {}\n')
  })
})

describe('formatSseComment', () => {
  it('writes a comment block that no line break can turn into a field', () => {
    expect(formatSseComment('ping')).toBe(': ping\n\n')
    expect(formatSseComment('a\ndata: evil')).toBe(': a\n: data: evil\n\n')
  })
})
