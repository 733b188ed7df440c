import { request } from 'node:http'
import { Agent } from 'node:http'
import type { LookupAddress } from 'node:dns'
import { isComfyProgressError } from '@comfy-progress/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryEventBus } from '../../src/store/MemoryEventBus.js'
import { createAddressPolicy } from '../../src/webhooks/addressPolicy.js'
import { createGuardedLookup } from '../../src/webhooks/createGuardedLookup.js'
import { WebhookDispatcher } from '../../src/webhooks/WebhookDispatcher.js'
import type { WebhookAttemptInfo, WebhookSettledInfo } from '../../src/webhooks/WebhookDispatcherEvents.js'
import type { WebhookDispatcherOptions } from '../../src/webhooks/WebhookDispatcherOptions.js'
import { createWebhookSecret } from '../../src/webhooks/webhookSecret.js'
import { completed } from '../helpers.js'
import { startReceiver, type WebhookReceiver } from './webhooksReceiver.js'

const secret = createWebhookSecret()
const TASK = 'ssrfTask00000000000001'

/** A resolver with fixed records, like a DNS server an attacker controls. */
function resolver(records: Record<string, readonly LookupAddress[]>) {
  return (hostname: string) => {
    const found = records[hostname]
    return found === undefined
      ? Promise.reject(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }))
      : Promise.resolve(found)
  }
}

describe('webhook SSRF guard, against a real receiver on 127.0.0.1', () => {
  let target: WebhookReceiver
  let bus: MemoryEventBus
  const dispatchers: WebhookDispatcher[] = []

  function dispatcher(options: WebhookDispatcherOptions = {}): WebhookDispatcher {
    const created = new WebhookDispatcher({
      bus,
      taskWebhooks: { secret },
      retry: { initialDelayMs: 20, jitter: 0 },
      ...options,
    })
    dispatchers.push(created)
    return created
  }

  /** Watches one task with `url` as its webhook, publishes its completion, resolves with the outcome. */
  async function deliver(
    webhooks: WebhookDispatcher,
    url: string,
  ): Promise<WebhookSettledInfo & { attemptsSeen: WebhookAttemptInfo[] }> {
    const taskId = `${TASK.slice(0, 16)}${String(Math.random()).slice(2, 8)}`
    const attempts: WebhookAttemptInfo[] = []
    webhooks.on('attempt', (info) => attempts.push(info))
    const settled = new Promise<WebhookSettledInfo>((resolve) => {
      for (const name of ['delivered', 'failed', 'dropped'] as const) {
        webhooks.on(name, (info) => info.taskId === taskId && resolve(info))
      }
    })
    await webhooks.watch(taskId, { webhook: { url } })
    await bus.publish({ taskId, seq: 1, event: completed(taskId) })
    return { ...(await settled), attemptsSeen: attempts.filter((a) => a.taskId === taskId) }
  }

  async function refusal(webhooks: WebhookDispatcher, url: string): Promise<string | null> {
    try {
      await webhooks.watch(`refused${String(Math.random()).slice(2, 17)}`, { webhook: { url } })
      return null
    } catch (error) {
      return isComfyProgressError(error) ? error.code : 'not a ComfyProgressError'
    }
  }

  beforeEach(async () => {
    bus = new MemoryEventBus()
    target = await startReceiver()
  })

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()))
    await target.close()
  })

  it('refuses schemes, credentials and literal loopback/private addresses in every notation, each with its code', async () => {
    const port = target.port
    const webhooks = dispatcher()
    const cases: [string, string][] = [
      ['file:///etc/passwd', 'WEBHOOK_URL_INVALID'],
      [`ftp://127.0.0.1:${port}/`, 'WEBHOOK_URL_INVALID'],
      [`http://user:pass@127.0.0.1:${port}/`, 'WEBHOOK_URL_INVALID'],
      [`http://user:pass@hooks.example.com/`, 'WEBHOOK_URL_INVALID'],
      [`http://127.0.0.1:${port}/`, 'WEBHOOK_URL_FORBIDDEN'],
      [`http://2130706433:${port}/`, 'WEBHOOK_URL_FORBIDDEN'], // decimal
      [`http://0177.0.0.1:${port}/`, 'WEBHOOK_URL_FORBIDDEN'], // octal
      [`http://0x7f.1:${port}/`, 'WEBHOOK_URL_FORBIDDEN'], // hex
      [`http://[::1]:${port}/`, 'WEBHOOK_URL_FORBIDDEN'], // IPv6 loopback
      [`http://[::ffff:127.0.0.1]:${port}/`, 'WEBHOOK_URL_FORBIDDEN'], // IPv4-mapped IPv6
      [`http://[64:ff9b::127.0.0.1]:${port}/`, 'WEBHOOK_URL_FORBIDDEN'], // NAT64
      [`http://10.0.0.1/`, 'WEBHOOK_URL_FORBIDDEN'],
      [`http://192.168.1.1/`, 'WEBHOOK_URL_FORBIDDEN'],
      [`http://169.254.169.254/latest/meta-data/`, 'WEBHOOK_URL_FORBIDDEN'],
      [`http://[fd00::1]/`, 'WEBHOOK_URL_FORBIDDEN'],
      [`http://localhost:${port}/`, 'WEBHOOK_URL_FORBIDDEN'],
    ]
    for (const [url, code] of cases) expect([url, await refusal(webhooks, url)]).toEqual([url, code])
    expect(target.received).toEqual([])
  })

  it('reaches the same receiver, in the same notations, once 127.0.0.1 is allowlisted', async () => {
    const port = target.port
    const webhooks = dispatcher({ allow: ['127.0.0.1'] })
    for (const url of [`http://127.0.0.1:${port}/`, `http://2130706433:${port}/`, `http://0x7f.1:${port}/`]) {
      expect(await deliver(webhooks, url)).toMatchObject({ outcome: 'delivered', httpStatus: 200 })
    }
    expect(target.received).toHaveLength(3)
  })

  it('refuses at connect time a host name that resolves to loopback (injected resolver), without a request', async () => {
    const url = `http://evil.example:${target.port}/`
    const resolve = resolver({ 'evil.example': [{ address: '127.0.0.1', family: 4 }] })
    const refused = await deliver(dispatcher({ resolve }), url)
    expect(refused).toMatchObject({ outcome: 'failed', attempts: 1, httpStatus: null })
    expect(refused.error?.code).toBe('WEBHOOK_URL_FORBIDDEN')
    expect(refused.error?.details).toEqual({ host: 'evil.example', range: 'loopback', address: '127.0.0.1' })
    expect(refused.attemptsSeen.map((a) => a.outcome)).toEqual(['failed'])
    expect(target.received).toEqual([])

    // Good input next to the bad: allowlisted by address range, or by name, it is delivered.
    expect(await deliver(dispatcher({ resolve, allow: ['127.0.0.0/8'] }), url)).toMatchObject({
      outcome: 'delivered',
    })
    expect(await deliver(dispatcher({ resolve, allow: ['evil.example'] }), url)).toMatchObject({
      outcome: 'delivered',
    })
    expect(target.received).toHaveLength(2)
  })

  it('refuses a name with one public and one loopback address (no DNS-rebinding pick)', async () => {
    const resolve = resolver({
      'mixed.example': [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ],
    })
    const refused = await deliver(dispatcher({ resolve }), `http://mixed.example:${target.port}/`)
    expect(refused.error?.code).toBe('WEBHOOK_URL_FORBIDDEN')
    expect(target.received).toEqual([])
  })

  it('refuses "localhost" resolved by the system resolver at connect time (the guarded agent alone)', async () => {
    const agent = new Agent({ lookup: createGuardedLookup(createAddressPolicy()) })
    try {
      const error = await new Promise<unknown>((resolve) => {
        const req = request(`http://localhost:${target.port}/`, { method: 'POST', agent }, () =>
          resolve(null),
        )
        req.on('error', resolve)
        req.end('{}')
      })
      expect(isComfyProgressError(error, 'WEBHOOK_URL_FORBIDDEN')).toBe(true)
      expect((error as { details: { range: string } }).details.range).toMatch(/loopback/)
      expect(target.received).toEqual([])
    } finally {
      agent.destroy()
    }
  })

  it('never follows a redirect to a private address', async () => {
    for (const status of [302, 307]) {
      const redirecting = await startReceiver(() => ({
        status,
        headers: { location: `http://127.0.0.1:${target.port}/steal` },
      }))
      try {
        // The receiver itself is allowlisted by name; its redirect target (127.0.0.1) is not.
        const resolve = resolver({ 'hooks.test': [{ address: '127.0.0.1', family: 4 }] })
        const result = await deliver(
          dispatcher({ resolve, allow: ['hooks.test'] }),
          `http://hooks.test:${redirecting.port}/`,
        )
        expect(result).toMatchObject({ outcome: 'failed', attempts: 1, httpStatus: status })
        expect(result.error?.code).toBe('WEBHOOK_REDIRECT_REFUSED')
        expect(redirecting.received).toHaveLength(1)
      } finally {
        await redirecting.close()
      }
    }
    expect(target.received).toEqual([])
  })
})
