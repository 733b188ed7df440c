import type { LookupAddress } from 'node:dns'
import type { LookupOptions } from 'node:dns'
import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { createAddressPolicy } from './addressPolicy.js'
import { createGuardedLookup, type WebhookResolver } from './createGuardedLookup.js'

const records: Record<string, LookupAddress[]> = {
  'public.example': [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ],
  'rebind.example': [{ address: '127.0.0.1', family: 4 }],
  'mixed.example': [
    { address: '93.184.215.14', family: 4 },
    { address: '10.0.0.8', family: 4 },
  ],
  'mapped.example': [{ address: '::ffff:169.254.169.254', family: 6 }],
  'intranet.example': [{ address: '10.1.2.3', family: 4 }],
}
const resolve: WebhookResolver = (hostname) => {
  const found = records[hostname]
  return found === undefined
    ? Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))
    : Promise.resolve(found)
}

function lookup(hostname: string, options: LookupOptions, allow: string[] = []) {
  const guarded = createGuardedLookup(createAddressPolicy(allow), resolve)
  return new Promise<{ error: unknown; address: unknown; family: unknown }>((done) => {
    guarded(hostname, options, (error, address, family) => done({ error, address, family }))
  })
}

describe('createGuardedLookup', () => {
  it('answers like dns.lookup for public names, one address or all', async () => {
    expect(await lookup('public.example', {})).toEqual({ error: null, address: '93.184.215.14', family: 4 })
    const all = await lookup('public.example', { all: true })
    expect(all.error).toBeNull()
    expect(all.address).toEqual(records['public.example'])
    expect((await lookup('public.example', { family: 6 })).family).toBe(6)
  })

  it('refuses a name that resolves to a forbidden address, with WEBHOOK_URL_FORBIDDEN', async () => {
    for (const [name, range] of [
      ['rebind.example', 'loopback'],
      ['mixed.example', 'private'],
      ['mapped.example', 'link-local'],
    ] as const) {
      for (const options of [{}, { all: true }]) {
        const { error } = await lookup(name, options)
        expect(isComfyProgressError(error, 'WEBHOOK_URL_FORBIDDEN')).toBe(true)
        expect((error as { details: { range: string } }).details.range).toBe(range)
      }
    }
  })

  it('lets allowlisted names and ranges through', async () => {
    expect((await lookup('intranet.example', {}, ['intranet.example'])).address).toBe('10.1.2.3')
    expect((await lookup('intranet.example', {}, ['10.0.0.0/8'])).address).toBe('10.1.2.3')
    const { error } = await lookup('intranet.example', {}, ['10.2.0.0/16'])
    expect(isComfyProgressError(error, 'WEBHOOK_URL_FORBIDDEN')).toBe(true)
  })

  it('passes resolver failures on, and reports ENOTFOUND when no address of the family exists', async () => {
    expect((await lookup('missing.example', {})).error).toMatchObject({ code: 'ENOTFOUND' })
    expect((await lookup('rebind.example', { family: 6 }, ['127.0.0.1'])).error).toMatchObject({
      code: 'ENOTFOUND',
    })
  })
})
