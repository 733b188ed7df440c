import { expect, test } from 'vitest'
import { errorCodes } from './codes.js'
import { ComfyProgressError, isComfyProgressError, toComfyProgressError } from './ComfyProgressError.js'

test('an error created without a message carries the code, its message prefixed', () => {
  const error = new ComfyProgressError('COMFY_TIMEOUT')
  expect(error.code).toBe('COMFY_TIMEOUT')
  expect(error.message.startsWith('comfy-progress: ')).toBe(true)
  expect(error.toJSON()).toEqual({ code: 'COMFY_TIMEOUT', message: error.message })
  expect('COMFY_TIMEOUT' in errorCodes).toBe(true)
})

test('isComfyProgressError recognises the shape of an error from another copy of the package', () => {
  const foreign = Object.assign(new Error('comfy-progress: x'), {
    name: 'ComfyProgressError',
    code: 'COMFY_TIMEOUT',
  })
  expect(isComfyProgressError(foreign)).toBe(true)
  expect(isComfyProgressError(foreign, 'COMFY_TIMEOUT')).toBe(true)
  expect(isComfyProgressError(foreign, 'COMFY_UNREACHABLE')).toBe(false)
})

test('isComfyProgressError rejects values without the shape', () => {
  const numericCode = Object.assign(new Error('x'), { name: 'ComfyProgressError', code: 42 })
  const otherName = Object.assign(new Error('x'), { code: 'COMFY_TIMEOUT' })
  for (const value of [
    numericCode,
    otherName,
    { name: 'ComfyProgressError', code: 'COMFY_TIMEOUT' },
    null,
    'x',
  ]) {
    expect(isComfyProgressError(value)).toBe(false)
  }
})

test('toComfyProgressError keeps a ComfyProgressError and wraps anything else with the code', () => {
  const original = new ComfyProgressError('CLIENT_CLOSED')
  expect(toComfyProgressError(original, 'COMFY_UNREACHABLE')).toBe(original)
  const cause = new TypeError('fetch failed')
  const wrapped = toComfyProgressError(cause, 'COMFY_UNREACHABLE')
  expect(wrapped.code).toBe('COMFY_UNREACHABLE')
  expect(wrapped.cause).toBe(cause)
  expect(wrapped.message).toContain('fetch failed')
})
