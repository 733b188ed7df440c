import { isComfyProgressError } from '@comfy-progress/core'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { completed, inProgress } from '../../test/helpers.js'
import { formatTaskEventBody } from '../sse/encodeTaskEventFrame.js'
import type { StoredTaskEvent } from '../store/TaskStore.js'
import { signWebhook, webhookBodyFor, webhookIdFor } from './signWebhook.js'
import { createWebhookSecret, decodeWebhookSecret } from './webhookSecret.js'

// The example of the Standard Webhooks specification (and of its reference libraries' tests).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}
const TASK = 'mB3kV0c6TnS8yq1Zp4W2xA'

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return isComfyProgressError(error) ? error.code : 'not a ComfyProgressError'
  }
  return undefined
}

describe('signWebhook', () => {
  it('reproduces the signature of the specification example', () => {
    expect(signWebhook(SPEC)).toEqual({
      'webhook-id': SPEC.id,
      'webhook-timestamp': String(SPEC.timestamp),
      'webhook-signature': SPEC.signature,
    })
  })

  it('signs bytes and text alike', () => {
    const bytes = new TextEncoder().encode(SPEC.body)
    expect(signWebhook({ ...SPEC, body: bytes })['webhook-signature']).toBe(SPEC.signature)
  })

  it('adds one signature per secret during a rotation, each verifiable by the official library', () => {
    const next = createWebhookSecret()
    const headers = signWebhook({
      ...SPEC,
      timestamp: Math.floor(Date.now() / 1000),
      secret: [next, SPEC.secret],
    })
    const parts = headers['webhook-signature'].split(' ')
    expect(parts).toHaveLength(2)
    expect(parts.every((p) => p.startsWith('v1,'))).toBe(true)
    for (const secret of [next, SPEC.secret]) {
      expect(new Webhook(secret).verify(SPEC.body, { ...headers })).toEqual({ test: 2432232314 })
    }
  })

  it('refuses malformed secrets, ids and timestamps with their codes', () => {
    expect(code(() => signWebhook({ ...SPEC, secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }))).toBe(
      'WEBHOOK_SECRET_INVALID',
    )
    expect(code(() => signWebhook({ ...SPEC, secret: 'whsec_c2hvcnQ=' }))).toBe('WEBHOOK_SECRET_INVALID')
    expect(code(() => signWebhook({ ...SPEC, secret: 'whsec_not base64!!' }))).toBe('WEBHOOK_SECRET_INVALID')
    expect(code(() => signWebhook({ ...SPEC, secret: [] }))).toBe('WEBHOOK_SECRET_INVALID')
    expect(code(() => signWebhook({ ...SPEC, id: 'has space' }))).toBe('WEBHOOK_CONFIG_INVALID')
    expect(code(() => signWebhook({ ...SPEC, id: 'a\r\nInjected: 1' }))).toBe('WEBHOOK_CONFIG_INVALID')
    expect(code(() => signWebhook({ ...SPEC, id: '' }))).toBe('WEBHOOK_CONFIG_INVALID')
    expect(code(() => signWebhook({ ...SPEC, timestamp: 1.5 }))).toBe('WEBHOOK_CONFIG_INVALID')
    expect(code(() => signWebhook({ ...SPEC, timestamp: -1 }))).toBe('WEBHOOK_CONFIG_INVALID')
  })
})

describe('webhook secrets', () => {
  it('creates whsec_ secrets of 32 random bytes', () => {
    const a = createWebhookSecret()
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(decodeWebhookSecret(a)).toHaveLength(32)
    expect(createWebhookSecret()).not.toBe(a)
  })

  it('accepts 24 to 64 bytes and nothing else', () => {
    const of = (n: number) => `whsec_${Buffer.alloc(n, 7).toString('base64')}`
    expect(decodeWebhookSecret(of(24))).toHaveLength(24)
    expect(decodeWebhookSecret(of(64))).toHaveLength(64)
    expect(code(() => decodeWebhookSecret(of(23)))).toBe('WEBHOOK_SECRET_INVALID')
    expect(code(() => decodeWebhookSecret(of(65)))).toBe('WEBHOOK_SECRET_INVALID')
    expect(code(() => decodeWebhookSecret(42))).toBe('WEBHOOK_SECRET_INVALID')
  })
})

describe('webhook body and id', () => {
  it('is byte for byte the data line of the SSE frame', () => {
    for (const event of [inProgress(TASK, 42, 'Sampling "image"…\nline 2'), completed(TASK)]) {
      const entry: StoredTaskEvent = { taskId: TASK, seq: 7, event }
      const sse = formatTaskEventBody(entry)
      const dataLine = sse.split('\n').find((line) => line.startsWith('data: '))
      expect(`data: ${webhookBodyFor(entry)}`).toBe(dataLine)
      expect(webhookBodyFor(entry)).toBe(webhookBodyFor(entry))
    }
  })

  it('is <taskId>:<seq>, stable for the event', () => {
    expect(webhookIdFor({ taskId: TASK, seq: 12 })).toBe(`${TASK}:12`)
  })
})
