import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { createTaskId } from '../tasks/createTaskId.js'
import { formatStreamCursor, MAX_CURSOR_LENGTH, resumeFromLastEventId } from './resumeFromLastEventId.js'

const a = createTaskId()
const b = createTaskId()
const c = createTaskId()

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn()
    return 'no error'
  } catch (error) {
    return isComfyProgressError(error) ? error.code : error
  }
}

describe('formatStreamCursor', () => {
  it('lists taskId:seq pairs in stream order, leaving out tasks with nothing received', () => {
    const positions = new Map([
      [b, 9],
      [a, 5],
      [c, 0],
    ])
    expect(formatStreamCursor([a, b, c], positions)).toBe(`${a}:5,${b}:9`)
    expect(formatStreamCursor([a], new Map())).toBe('')
  })

  it('round-trips through resumeFromLastEventId', () => {
    const positions = new Map([
      [a, 5],
      [b, 9],
    ])
    expect(resumeFromLastEventId({ header: formatStreamCursor([a, b], positions), taskIds: [a, b] })).toEqual(
      positions,
    )
  })
})

describe('resumeFromLastEventId', () => {
  it('reads no cursor from an absent or empty value', () => {
    expect(resumeFromLastEventId({ taskIds: [a] }).size).toBe(0)
    expect(resumeFromLastEventId({ header: '', query: '', taskIds: [a] }).size).toBe(0)
    expect(resumeFromLastEventId({ header: null, query: null, taskIds: [a, b] }).size).toBe(0)
  })

  it('reads a plain sequence number on a single-task stream', () => {
    expect(resumeFromLastEventId({ header: '7', taskIds: [a] })).toEqual(new Map([[a, 7]]))
    expect(resumeFromLastEventId({ query: '0', taskIds: [a] })).toEqual(new Map([[a, 0]]))
  })

  it('prefers the header over the query', () => {
    expect(resumeFromLastEventId({ header: '9', query: '3', taskIds: [a] })).toEqual(new Map([[a, 9]]))
    expect(resumeFromLastEventId({ header: '', query: '3', taskIds: [a] })).toEqual(new Map([[a, 3]]))
  })

  it('reads the multi-task form and ignores tasks the stream does not follow', () => {
    expect(resumeFromLastEventId({ header: `${a}:5,${b}:9`, taskIds: [a, b, c] })).toEqual(
      new Map([
        [a, 5],
        [b, 9],
      ]),
    )
    expect(resumeFromLastEventId({ header: `${a}:5,${b}:9`, taskIds: [b] })).toEqual(new Map([[b, 9]]))
  })

  it('rejects every malformed cursor with INVALID_LAST_EVENT_ID', () => {
    const bad: [string, string[]][] = [
      ['-1', [a]],
      ['1.5', [a]],
      ['01', [a]],
      [' 5', [a]],
      ['5 ', [a]],
      ['abc', [a]],
      ['1e3', [a]],
      ['99999999999999999', [a]],
      ['5', [a, b]],
      [`${a}:5,${a}:6`, [a]],
      [`${a}:5,`, [a]],
      [`${a}:`, [a]],
      [`${a}:-1`, [a]],
      [`${a}5`, [a]],
      [`short:5`, [a]],
      [`${a}:5;${b}:6`, [a, b]],
      [`${a}:5\n`, [a]],
      [`${a}:5`.padEnd(MAX_CURSOR_LENGTH + 1, '0'), [a]],
    ]
    for (const [header, taskIds] of bad) {
      expect([header, codeOf(() => resumeFromLastEventId({ header, taskIds }))]).toEqual([
        header,
        'INVALID_LAST_EVENT_ID',
      ])
    }
    expect(codeOf(() => resumeFromLastEventId({ query: 'nope', taskIds: [a] }))).toBe('INVALID_LAST_EVENT_ID')
  })
})
