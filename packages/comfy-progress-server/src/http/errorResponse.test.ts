import { ComfyProgressError, toComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { errorResponse } from './errorResponse.js'
import { errorStatuses, statusForError } from './statusForError.js'

describe('statusForError', () => {
  it('maps each server code to its status and anything unlisted to 500', () => {
    expect(statusForError('TASK_NOT_FOUND')).toBe(404)
    expect(statusForError('TASK_EXPIRED')).toBe(410)
    expect(statusForError('TOO_MANY_SUBSCRIBERS')).toBe(429)
    expect(statusForError('BODY_TOO_LARGE')).toBe(413)
    expect(statusForError('RECORDING_INVALID')).toBe(500)
    expect(Object.isFrozen(errorStatuses)).toBe(true)
  })
})

describe('errorResponse', () => {
  it('answers {error: {code, message}} as JSON with the code’s status', () => {
    const response = errorResponse(new ComfyProgressError('TASK_NOT_FOUND'))
    expect(response.status).toBe(404)
    expect(response.headers['Content-Type']).toBe('application/json; charset=utf-8')
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'TASK_NOT_FOUND', message: 'comfy-progress: No task has this id.' },
    })
  })

  it('never leaks the message of a wrapped foreign error', () => {
    const wrapped = toComfyProgressError(new Error('connect ECONNREFUSED 10.0.0.7:6379'), 'STORE_UNAVAILABLE')
    const response = errorResponse(wrapped)
    expect(response.status).toBe(503)
    expect(response.body).not.toContain('10.0.0.7')
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } })
  })

  it('adds Allow to METHOD_NOT_ALLOWED', () => {
    const response = errorResponse(
      new ComfyProgressError('METHOD_NOT_ALLOWED', undefined, { details: { allow: 'GET' } }),
    )
    expect([response.status, response.headers.Allow]).toEqual([405, 'GET'])
  })
})
