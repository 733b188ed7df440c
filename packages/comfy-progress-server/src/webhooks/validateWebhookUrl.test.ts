import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { createAddressPolicy } from './addressPolicy.js'
import { validateWebhookUrl } from './validateWebhookUrl.js'

function refusal(url: unknown, allow?: readonly string[]): { code: string; details: unknown } | null {
  try {
    validateWebhookUrl(url, allow === undefined ? {} : { allow })
    return null
  } catch (error) {
    if (!isComfyProgressError(error)) throw error
    return { code: error.code, details: error.details }
  }
}

describe('validateWebhookUrl', () => {
  it('accepts public http and https URLs and returns them parsed', () => {
    expect(validateWebhookUrl('https://hooks.example.com/comfy?x=1').href).toBe(
      'https://hooks.example.com/comfy?x=1',
    )
    expect(validateWebhookUrl('http://93.184.215.14:8080/').hostname).toBe('93.184.215.14')
    expect(validateWebhookUrl('https://[2606:4700:4700::1111]/').hostname).toBe('[2606:4700:4700::1111]')
    expect(validateWebhookUrl(new URL('https://example.org/')).href).toBe('https://example.org/')
    // NAT64 and 6to4 addresses that embed a public IPv4 address are public.
    expect(refusal('http://[64:ff9b::808:808]/')).toBeNull()
    expect(refusal('http://[2002:808:808::1]/')).toBeNull()
  })

  it.each([
    ['file:///etc/passwd', 'scheme'],
    ['ftp://example.com/x', 'scheme'],
    ['gopher://example.com/', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['data:text/plain,hi', 'scheme'],
    ['ws://example.com/', 'scheme'],
    ['https://user:secret@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
    ['not a url', 'not-a-url'],
    ['/relative/path', 'not-a-url'],
    ['http://1.2.3.4.5/', 'not-a-url'],
    [`https://example.com/${'a'.repeat(2048)}`, 'too-long'],
    [42, 'not-a-string'],
    [null, 'not-a-string'],
  ])('refuses %s with WEBHOOK_URL_INVALID (%s)', (url, reason) => {
    expect(refusal(url)).toEqual({ code: 'WEBHOOK_URL_INVALID', details: { reason } })
  })

  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.255.0.9:8080/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal
    ['http://0177.0.0.1/', 'loopback'], // octal
    ['http://017700000001/', 'loopback'], // octal, one number
    ['http://0x7f.1/', 'loopback'], // hex, short form
    ['http://0x7f000001/', 'loopback'], // hex, one number
    ['http://127.1/', 'loopback'], // short form
    ['http://[::1]/', 'unspecified, loopback or IPv4-compatible'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'], // IPv4-mapped
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::ffff:0:7f00:1]/', 'loopback'], // IPv4-translated (SIIT)
    ['http://[::ffff:0:a9fe:a9fe]/', 'link-local'],
    ['http://[::ffff:10.1.2.3]/', 'private'],
    ['http://[64:ff9b::10.0.0.1]/', 'private'], // NAT64 of a private address
    ['http://[64:ff9b::7f00:1]/', 'loopback'],
    ['http://[2002:c0a8:101::1]/', 'private'], // 6to4 of 192.168.1.1
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://100.64.0.1/', 'shared (CGNAT)'],
    ['http://100.127.255.254/', 'shared (CGNAT)'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'documentation'],
    ['http://198.51.100.1/', 'documentation'],
    ['http://203.0.113.1/', 'documentation'],
    ['http://198.18.0.1/', 'benchmarking'],
    ['http://[::]/', 'unspecified, loopback or IPv4-compatible'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fc00::1]/', 'unique local'],
    ['http://[fd12:3456::1]/', 'unique local'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[2001:db8::1]/', 'documentation'],
    ['http://[fec0::1]/', 'site-local (deprecated)'],
    ['http://localhost:3000/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://api.localhost/', 'loopback'],
  ])('refuses %s with WEBHOOK_URL_FORBIDDEN (%s)', (url, range) => {
    const result = refusal(url)
    expect(result?.code).toBe('WEBHOOK_URL_FORBIDDEN')
    expect((result?.details as { range: string }).range).toBe(range)
  })

  it('lets allowlisted addresses, ranges and names through, and nothing else', () => {
    expect(refusal('http://127.0.0.1:9000/', ['127.0.0.1'])).toBeNull()
    expect(refusal('http://2130706433/', ['127.0.0.1'])).toBeNull()
    expect(refusal('http://[::ffff:127.0.0.1]/', ['127.0.0.0/8'])).toBeNull()
    expect(refusal('http://10.1.2.3/', ['10.1.0.0/16'])).toBeNull()
    expect(refusal('http://10.2.0.1/', ['10.1.0.0/16'])?.code).toBe('WEBHOOK_URL_FORBIDDEN')
    expect(refusal('http://[fd00::5]/', ['fd00::/8'])).toBeNull()
    expect(refusal('http://localhost/', ['localhost'])).toBeNull()
    expect(refusal('http://127.0.0.2/', ['127.0.0.1'])?.code).toBe('WEBHOOK_URL_FORBIDDEN')
    // Allowlisting never lets other schemes or credentials through.
    expect(refusal('ftp://127.0.0.1/', ['127.0.0.1'])?.code).toBe('WEBHOOK_URL_INVALID')
    expect(refusal('http://u:p@127.0.0.1/', ['127.0.0.1'])?.code).toBe('WEBHOOK_URL_INVALID')
  })

  it('refuses malformed allowlists with WEBHOOK_CONFIG_INVALID', () => {
    for (const allow of [['10.0.0.0/33'], ['::/129'], ['not a host!'], ['1.2.3.4/8/9'], [42]]) {
      expect(refusal('https://example.com/', allow as string[])?.code).toBe('WEBHOOK_CONFIG_INVALID')
    }
  })
})

describe('createAddressPolicy', () => {
  const policy = createAddressPolicy()

  it('classifies resolved addresses, including zone ids and IPv4 tails', () => {
    expect(policy.forbiddenRange('8.8.8.8')).toBeNull()
    expect(policy.forbiddenRange('2606:4700:4700::1111')).toBeNull()
    expect(policy.forbiddenRange('fe80::1%eth0')).toBe('link-local')
    expect(policy.forbiddenRange('::ffff:192.168.0.1')).toBe('private')
    expect(policy.forbiddenRange('::127.0.0.1')).toBe('unspecified, loopback or IPv4-compatible')
    expect(policy.forbiddenRange('172.15.255.255')).toBeNull()
    expect(policy.forbiddenRange('172.32.0.0')).toBeNull()
    expect(policy.forbiddenRange('100.63.255.255')).toBeNull()
    expect(policy.forbiddenRange('100.128.0.0')).toBeNull()
    expect(policy.forbiddenRange('garbage')).toBe('not an IP address')
  })

  it('matches names case-insensitively and ignores a trailing dot', () => {
    const named = createAddressPolicy(['Hooks.Intranet.Example'])
    expect(named.isAllowedHost('hooks.intranet.example.')).toBe(true)
    expect(named.isAllowedHost('other.intranet.example')).toBe(false)
  })
})
