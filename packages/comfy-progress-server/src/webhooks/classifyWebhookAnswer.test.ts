import { ComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { classifyWebhookAnswer } from './classifyWebhookAnswer.js'

const now = 1_000_000
const answer = (status: number, headers: Record<string, string> = {}) =>
  classifyWebhookAnswer({ ok: true, status, headers }, now)
const failure = (
  code: 'WEBHOOK_TIMEOUT' | 'WEBHOOK_DELIVERY_FAILED' | 'WEBHOOK_URL_FORBIDDEN' | 'WEBHOOK_DISPATCHER_CLOSED',
) => classifyWebhookAnswer({ ok: false, error: new ComfyProgressError(code) }, now)

describe('classifyWebhookAnswer', () => {
  it('delivers on 2xx', () => {
    for (const status of [200, 201, 202, 204, 299])
      expect(answer(status)).toEqual({ kind: 'delivered', status })
  })

  it('retries 408, 429 and 5xx, with Retry-After when given', () => {
    expect(answer(500)).toMatchObject({ kind: 'retry', status: 500, retryAfterMs: null })
    expect(answer(503, { 'retry-after': '7' })).toMatchObject({ kind: 'retry', retryAfterMs: 7000 })
    expect(answer(429, { 'retry-after': '1' })).toMatchObject({
      kind: 'retry',
      status: 429,
      retryAfterMs: 1000,
    })
    expect(answer(408)).toMatchObject({ kind: 'retry' })
    const retry = answer(502)
    expect(retry.kind === 'retry' && retry.error.code).toBe('WEBHOOK_DELIVERY_FAILED')
  })

  it('never follows or retries a redirect', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const result = answer(status, { location: 'http://127.0.0.1/' })
      expect(result.kind).toBe('failed')
      expect(result.kind === 'failed' && result.error.code).toBe('WEBHOOK_REDIRECT_REFUSED')
    }
  })

  it('disables on 410 and fails other 4xx at once', () => {
    const gone = answer(410)
    expect(gone.kind === 'gone' && gone.error.code).toBe('WEBHOOK_ENDPOINT_GONE')
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(answer(status)).toMatchObject({ kind: 'failed', status })
    }
  })

  it('retries network errors and timeouts, but not refused addresses or a closing dispatcher', () => {
    expect(failure('WEBHOOK_TIMEOUT').kind).toBe('retry')
    expect(failure('WEBHOOK_DELIVERY_FAILED').kind).toBe('retry')
    expect(failure('WEBHOOK_URL_FORBIDDEN').kind).toBe('failed')
    expect(failure('WEBHOOK_DISPATCHER_CLOSED').kind).toBe('failed')
  })
})
