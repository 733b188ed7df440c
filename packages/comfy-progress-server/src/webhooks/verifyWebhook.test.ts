import { isComfyProgressError } from '@comfy-progress/core'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { completed } from '../../test/helpers.js'
import { signWebhook } from './signWebhook.js'
import { verifyWebhook } from './verifyWebhook.js'
import { createWebhookSecret } from './webhookSecret.js'

const TASK = 'mB3kV0c6TnS8yq1Zp4W2xA'
const secret = createWebhookSecret()
const body = JSON.stringify(completed(TASK))
const NOW = 1_764_072_000_000
const now = () => NOW
const ts = Math.floor(NOW / 1000)
const signed = (overrides: { timestamp?: number; secret?: string | string[]; id?: string } = {}) => ({
  ...signWebhook({
    id: overrides.id ?? `${TASK}:5`,
    timestamp: overrides.timestamp ?? ts,
    body,
    secret: overrides.secret ?? secret,
  }),
})

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return isComfyProgressError(error) ? error.code : 'not a ComfyProgressError'
  }
  return undefined
}

describe('verifyWebhook', () => {
  it('accepts a signed task event and returns it with its id, timestamp and sequence', () => {
    const verified = verifyWebhook(body, signed(), { secret, now })
    expect(verified).toEqual({ id: `${TASK}:5`, timestamp: ts, sequence: 5, event: completed(TASK) })
  })

  it('accepts raw bytes, web Headers and mixed-case header names', () => {
    const headers = signed()
    expect(verifyWebhook(Buffer.from(body), new Headers(headers), { secret, now }).id).toBe(`${TASK}:5`)
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]))
    expect(verifyWebhook(body, upper, { secret, now }).sequence).toBe(5)
  })

  it('accepts any secret of a rotation, on either side', () => {
    const next = createWebhookSecret()
    expect(verifyWebhook(body, signed({ secret: [next, secret] }), { secret, now }).id).toBeDefined()
    expect(verifyWebhook(body, signed({ secret: next }), { secret: [secret, next], now }).id).toBeDefined()
  })

  it('accepts what the official standardwebhooks library signs', () => {
    const signature = new Webhook(secret).sign(`${TASK}:9`, new Date(NOW), body)
    const headers = {
      'webhook-id': `${TASK}:9`,
      'webhook-timestamp': String(ts),
      'webhook-signature': signature,
    }
    expect(verifyWebhook(body, headers, { secret, now }).sequence).toBe(9)
  })

  it('accepts timestamps within the tolerance, either way, and refuses beyond it', () => {
    expect(verifyWebhook(body, signed({ timestamp: ts - 300 }), { secret, now }).id).toBeDefined()
    expect(verifyWebhook(body, signed({ timestamp: ts + 300 }), { secret, now }).id).toBeDefined()
    expect(code(() => verifyWebhook(body, signed({ timestamp: ts - 301 }), { secret, now }))).toBe(
      'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
    )
    expect(code(() => verifyWebhook(body, signed({ timestamp: ts + 301 }), { secret, now }))).toBe(
      'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
    )
    const old = signed({ timestamp: ts - 3600 })
    expect(verifyWebhook(body, old, { secret, now, toleranceSeconds: 3600 }).id).toBeDefined()
  })

  it('refuses a tampered body, another id, another secret and unknown signature versions', () => {
    const headers = signed()
    expect(code(() => verifyWebhook(body.replace('a cat', 'a dog'), headers, { secret, now }))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    )
    expect(code(() => verifyWebhook(body, { ...headers, 'webhook-id': `${TASK}:6` }, { secret, now }))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    )
    expect(code(() => verifyWebhook(body, headers, { secret: createWebhookSecret(), now }))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    )
    const v2 = headers['webhook-signature'].replace('v1,', 'v2,')
    expect(code(() => verifyWebhook(body, { ...headers, 'webhook-signature': v2 }, { secret, now }))).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    )
    const truncated = headers['webhook-signature'].slice(0, -4)
    expect(
      code(() => verifyWebhook(body, { ...headers, 'webhook-signature': truncated }, { secret, now })),
    ).toBe('WEBHOOK_SIGNATURE_INVALID')
  })

  it('refuses missing or malformed headers, naming the header', () => {
    const headers = signed()
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const without: Record<string, string> = { ...headers }
      delete without[name]
      expect(code(() => verifyWebhook(body, without, { secret, now }))).toBe('WEBHOOK_HEADERS_MISSING')
    }
    expect(
      code(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': '12e3' }, { secret, now })),
    ).toBe('WEBHOOK_HEADERS_MISSING')
    expect(code(() => verifyWebhook(body, {}, { secret, now }))).toBe('WEBHOOK_HEADERS_MISSING')
  })

  it('refuses a correctly signed body that is not a task event', () => {
    const other = '{"hello":"world"}'
    const headers = signWebhook({ id: 'msg_1', timestamp: ts, body: other, secret })
    expect(code(() => verifyWebhook(other, headers, { secret, now }))).toBe('TASK_EVENT_INVALID')
  })

  it('refuses a malformed secret', () => {
    expect(code(() => verifyWebhook(body, signed(), { secret: 'plain-text', now }))).toBe(
      'WEBHOOK_SECRET_INVALID',
    )
  })

  it('reads no sequence from an id of another shape', () => {
    expect(verifyWebhook(body, signed({ id: 'msg_abc' }), { secret, now }).sequence).toBeNull()
  })
})
