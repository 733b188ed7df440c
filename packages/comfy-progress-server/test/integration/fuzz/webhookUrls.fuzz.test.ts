/**
 * Fuzzing the SSRF guard of webhooks: `validateWebhookUrl` with any value and with non-public addresses
 * written in every notation the WHATWG URL parser accepts; the connect-time check of resolved
 * addresses (`createAddressPolicy().forbiddenRange`) against Node's own `net.BlockList` fed the same
 * ranges; allowlists; and webhook configs (app endpoints, per-task webhooks).
 *
 * Properties: nothing throws but a ComfyProgressError with a webhook code; an accepted URL is http(s),
 * without credentials, at most 2048 characters, and never a non-public literal address or localhost;
 * a non-public address is refused in any notation.
 */
import { BlockList } from 'node:net'
import { ComfyProgressError } from '@comfy-progress/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAddressPolicy } from '../../../src/webhooks/addressPolicy.js'
import { FORBIDDEN_IPV4_RANGES, FORBIDDEN_IPV6_RANGES } from '../../../src/webhooks/forbiddenAddressRanges.js'
import { signWebhook } from '../../../src/webhooks/signWebhook.js'
import { validateWebhookUrl } from '../../../src/webhooks/validateWebhookUrl.js'
import { verifyWebhook } from '../../../src/webhooks/verifyWebhook.js'
import { WebhookDispatcher } from '../../../src/webhooks/WebhookDispatcher.js'
import { fuzzTimeout, runFuzz } from '../../../../comfy-progress-core/test/integration/fuzz/fuzzHarness.js'

const SUITE = 'server: webhook URLs'
const URL_CODES = ['WEBHOOK_URL_INVALID', 'WEBHOOK_URL_FORBIDDEN']
const CONFIG_CODES = [...URL_CODES, 'WEBHOOK_CONFIG_INVALID', 'WEBHOOK_SECRET_INVALID']

// An independent oracle: Node's BlockList, fed the documented ranges.
const blocked4 = new BlockList()
for (const { network, prefix } of FORBIDDEN_IPV4_RANGES) blocked4.addSubnet(network, prefix, 'ipv4')
const blocked6 = new BlockList()
for (const { network, prefix } of FORBIDDEN_IPV6_RANGES) blocked6.addSubnet(network, prefix, 'ipv6')

const v4Text = (b: readonly number[]) => b.join('.')
const v6Text = (b: readonly number[]) =>
  Array.from({ length: 8 }, (_, i) => ((b[i * 2]! << 8) | b[i * 2 + 1]!).toString(16)).join(':')

/** The IPv4 address an IPv6 one embeds (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embedded(b: readonly number[]): number[] | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0)
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12, 16)
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return b.slice(12, 16)
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6)
  return null
}

function isForbidden(bytes: readonly number[]): boolean {
  if (bytes.length === 4) return blocked4.check(v4Text(bytes), 'ipv4')
  const inner = embedded(bytes)
  return (inner !== null && blocked4.check(v4Text(inner), 'ipv4')) || blocked6.check(v6Text(bytes), 'ipv6')
}

const byte = fc.integer({ min: 0, max: 255 })

/** An address inside `network/prefix`, with random host bits. */
function inside(network: readonly number[], prefix: number, host: readonly number[]): number[] {
  return network.map((value, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8))
    const mask = (0xff << (8 - bits)) & 0xff
    return (value & mask) | (host[i]! & ~mask & 0xff)
  })
}
const parse4 = (text: string) => text.split('.').map(Number)
function parse6(text: string): number[] {
  const [head = '', tail = ''] = text.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)))
  const left = groups(head)
  const right = groups(tail)
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  return all.flatMap((g) => [g >> 8, g & 0xff])
}

const ipv4: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(byte, { minLength: 4, maxLength: 4 }),
  fc
    .tuple(fc.constantFrom(...FORBIDDEN_IPV4_RANGES), fc.array(byte, { minLength: 4, maxLength: 4 }))
    .map(([range, host]) => inside(parse4(range.network), range.prefix, host)),
)

const ipv6: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(byte, { minLength: 16, maxLength: 16 }),
  fc
    .tuple(fc.constantFrom(...FORBIDDEN_IPV6_RANGES), fc.array(byte, { minLength: 16, maxLength: 16 }))
    .map(([range, host]) => inside(parse6(range.network), range.prefix, host)),
  ipv4.map((v4) => [...Array<number>(10).fill(0), 0xff, 0xff, ...v4]), // IPv4-mapped
  ipv4.map((v4) => [0, 0x64, 0xff, 0x9b, ...Array<number>(8).fill(0), ...v4]), // NAT64
  fc
    .tuple(ipv4, fc.array(byte, { minLength: 10, maxLength: 10 }))
    .map(([v4, rest]) => [0x20, 0x02, ...v4, ...rest]), // 6to4
)

/** An IPv4 address in a notation the WHATWG URL parser reads as that address. */
const ipv4Host: fc.Arbitrary<{ bytes: number[]; host: string }> = fc
  .tuple(ipv4, fc.constantFrom('dotted', 'integer', 'hex', 'octal', 'short', 'mixed', 'trailing-dot'))
  .map(([bytes, notation]) => {
    const [a, b, c, d] = bytes as [number, number, number, number]
    const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d
    const host = {
      dotted: v4Text(bytes),
      integer: String(n),
      hex: `0x${n.toString(16)}`,
      octal: bytes.map((x) => `0${x.toString(8)}`).join('.'),
      short: `${a}.${(b << 16) + (c << 8) + d}`,
      mixed: `0x${a.toString(16)}.0${b.toString(8)}.${(c << 8) + d}`,
      'trailing-dot': `${v4Text(bytes)}.`,
    }[notation]
    return { bytes, host }
  })

const ipv6Host: fc.Arbitrary<{ bytes: number[]; host: string }> = fc
  .tuple(ipv6, fc.constantFrom('full', 'dotted-tail', 'upper'))
  .map(([bytes, notation]) => {
    const full = v6Text(bytes)
    const dottedTail = `${full.split(':').slice(0, 6).join(':')}:${v4Text(bytes.slice(12))}`
    return {
      bytes,
      host: `[${notation === 'dotted-tail' ? dottedTail : notation === 'upper' ? full.toUpperCase() : full}]`,
    }
  })

function expectCoded(error: unknown, codes: readonly string[]): void {
  expect(error).toBeInstanceOf(ComfyProgressError)
  expect(codes).toContain((error as ComfyProgressError).code)
}

/** Runs `fn`; returns its error, which must be a ComfyProgressError with one of `codes`. */
function attempt<T>(
  fn: () => T,
  codes: readonly string[],
): { ok: true; value: T } | { ok: false; code: string } {
  try {
    return { ok: true, value: fn() }
  } catch (error) {
    expectCoded(error, codes)
    return { ok: false, code: (error as ComfyProgressError).code }
  }
}

function expectSafe(url: URL): void {
  expect(['http:', 'https:']).toContain(url.protocol)
  expect(url.username).toBe('')
  expect(url.password).toBe('')
  expect(url.href.length).toBeLessThanOrEqual(2048 + 1) // the parser may add a trailing slash
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  expect(host === 'localhost' || host.endsWith('.localhost')).toBe(false)
}

describe(SUITE, () => {
  it(
    'validateWebhookUrl: any value is a coded refusal or a safe http(s) URL',
    async () => {
      const anyUrl = fc.oneof(
        fc.anything(),
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.string({ unit: 'grapheme', maxLength: 60 }).map((text) => `http://${text}`),
        fc
          .tuple(
            fc.constantFrom(
              'http',
              'https',
              'HTTP',
              'file',
              'ftp',
              'gopher',
              'javascript',
              'data',
              'ws',
              'blob',
              '',
            ),
            fc.constantFrom('', 'user@', 'user:pass@', ':@', '%40@'),
            fc.oneof(
              fc.domain(),
              fc.constantFrom(
                'localhost',
                'LOCALHOST.',
                'a.localhost',
                'localhost..',
                'ｌｏｃａｌｈｏｓｔ',
                '[::1]',
                '0',
                '127.1',
              ),
            ),
            fc.constantFrom('', ':80', ':0', ':65536', ':99999'),
            fc.constantFrom('/', '/hook', '/a?b=c#d', `/${'x'.repeat(2100)}`),
          )
          .map((parts) => `${parts[0]}://${parts[1]}${parts[2]}${parts[3]}${parts[4]}`),
      )
      await runFuzz(
        { suite: SUITE, property: 'validateWebhookUrl(any value)', defaultRuns: 1000 },
        fc.property(anyUrl, (value) => {
          const result = attempt(() => validateWebhookUrl(value), URL_CODES)
          if (result.ok) expectSafe(result.value)
        }),
      )
    },
    fuzzTimeout(),
  )

  it(
    'refuses every non-public address in any notation, and only those',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'literal addresses in URLs (all notations)', defaultRuns: 2000 },
        fc.property(
          fc.oneof(ipv4Host, ipv6Host),
          fc.constantFrom('http', 'https'),
          fc.constantFrom('', ':8080'),
          ({ bytes, host }, scheme, port) => {
            const url = `${scheme}://${host}${port}/hook`
            const result = attempt(() => validateWebhookUrl(url), URL_CODES)
            if (isForbidden(bytes)) expect(result).toEqual({ ok: false, code: 'WEBHOOK_URL_FORBIDDEN' })
            else expect(result.ok).toBe(true)
          },
        ),
      )
    },
    fuzzTimeout(),
  )

  it(
    'forbiddenRange (the connect-time guard) agrees with net.BlockList, allowlists included',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'forbiddenRange(resolved address)', defaultRuns: 2000, share: 2 },
        fc.property(
          fc.oneof(ipv4, ipv6),
          fc.option(fc.oneof(ipv4, ipv6), { nil: undefined }),
          (bytes, allowed) => {
            const address = bytes.length === 4 ? v4Text(bytes) : v6Text(bytes)
            const allow =
              allowed === undefined ? [] : [allowed.length === 4 ? v4Text(allowed) : v6Text(allowed)]
            const policy = createAddressPolicy(allow)
            const isAllowed =
              allowed !== undefined &&
              (allowed.join() === bytes.join() ||
                (allowed.length === 4 && embedded(bytes)?.join() === allowed.join()))
            const want = isForbidden(bytes) && !isAllowed
            expect(policy.forbiddenRange(address) !== null).toBe(want)
          },
        ),
      )
    },
    fuzzTimeout(),
  )

  it(
    'allowlists and webhook configs: coded refusals only',
    async () => {
      const secret = fc.oneof(
        fc.string(),
        fc.constant(`whsec_${Buffer.alloc(32, 7).toString('base64')}`),
        fc
          .uint8Array({ minLength: 0, maxLength: 80 })
          .map((b) => `whsec_${Buffer.from(b).toString('base64')}`),
        fc.anything(),
      )
      const endpoint = fc.oneof(
        fc.anything(),
        fc.record(
          {
            id: fc.oneof(fc.string({ maxLength: 70 }), fc.anything()),
            url: fc.oneof(
              fc.webUrl(),
              fc.string(),
              fc.constantFrom('http://127.0.0.1/', 'http://[::ffff:7f00:1]/'),
            ),
            secret,
            events: fc.oneof(
              fc.array(fc.constantFrom('progress', 'queued', 'completed', 'error', 'cancelled', 'x'), {
                maxLength: 9,
              }),
              fc.anything(),
            ),
          },
          { requiredKeys: [] },
        ),
      )
      const allow = fc.oneof(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.domain(),
            fc.constantFrom('10.0.0.0/8', '::1/129', '1.2.3.4/33', '/8', 'fd00::/8'),
          ),
          { maxLength: 3 },
        ),
        fc.anything(),
      )
      await runFuzz(
        {
          suite: SUITE,
          property: 'WebhookDispatcher endpoints + per-task webhook',
          defaultRuns: 500,
          share: 0.3,
        },
        fc.asyncProperty(
          fc.array(endpoint, { maxLength: 3 }),
          allow,
          endpoint,
          async (endpoints, allowList, task) => {
            const made = attempt(
              () =>
                new WebhookDispatcher({
                  endpoints: endpoints as never,
                  allow: allowList as never,
                  taskWebhooks: {},
                  resolve: () => Promise.reject(new Error('no DNS in a fuzz run')),
                }),
              CONFIG_CODES,
            )
            if (!made.ok) return
            try {
              const prepared = attempt(() => made.value.prepareTaskWebhook(task), CONFIG_CODES)
              if (prepared.ok) expect(typeof prepared.value).toBe('object')
            } finally {
              await made.value.close()
            }
          },
        ),
      )
    },
    fuzzTimeout(),
  )

  it(
    'verifyWebhook (receivers): a damaged or forged delivery is a coded refusal, an intact one verifies',
    async () => {
      const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
      const now = 1_764_072_000_000
      const body = JSON.stringify({
        taskId: 'mB3kV0c6TnS8yq1Zp4W2xA',
        status: 'in-progress',
        progress: { percentage: 40, currentStep: 'Sampling image...', currentValue: 8, maxValue: 20 },
        timestamp: '2025-11-25T12:00:00.000Z',
      })
      const signed = signWebhook({ id: 'mB3kV0c6TnS8yq1Zp4W2xA:5', timestamp: now / 1000, body, secret })
      const damage = fc.record(
        {
          id: fc.oneof(fc.string(), fc.constant(signed['webhook-id'])),
          timestamp: fc.oneof(
            fc.string(),
            fc.integer().map(String),
            fc.constant(signed['webhook-timestamp']),
          ),
          signature: fc.oneof(
            fc.string(),
            fc.base64String().map((b64) => `v1,${b64}`),
            fc.constant(signed['webhook-signature']),
            fc.constant(`v1a,x ${signed['webhook-signature']}`),
          ),
          body: fc.oneof(fc.string(), fc.uint8Array(), fc.constant(body)),
          asArray: fc.boolean(),
        },
        { requiredKeys: ['asArray'] },
      )
      await runFuzz(
        {
          suite: 'server: webhook signatures',
          property: 'verifyWebhook(damaged delivery)',
          defaultRuns: 1000,
          share: 0.3,
        },
        fc.property(damage, (input) => {
          const headers: Record<string, string | string[]> = {}
          if (input.id !== undefined) headers['webhook-id'] = input.id
          if (input.timestamp !== undefined) headers['Webhook-Timestamp'] = input.timestamp
          if (input.signature !== undefined) {
            headers['webhook-signature'] = input.asArray ? [input.signature] : input.signature
          }
          const received = input.body ?? body
          const result = attempt(
            () => verifyWebhook(received, headers, { secret, now: () => now }),
            [
              'WEBHOOK_HEADERS_MISSING',
              'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
              'WEBHOOK_SIGNATURE_INVALID',
              'TASK_EVENT_INVALID',
            ],
          )
          // Intact: every header as signed (receivers trim them) and the body byte for byte.
          const signatures = String(input.signature ?? '')
            .trim()
            .split(' ')
            .slice(0, 16)
          const intact =
            input.id?.trim() === signed['webhook-id'] &&
            input.timestamp?.trim() === signed['webhook-timestamp'] &&
            signatures.includes(signed['webhook-signature']) &&
            received === body
          expect(result.ok).toBe(intact)
          if (result.ok) expect(result.value.event.taskId).toBe('mB3kV0c6TnS8yq1Zp4W2xA')
        }),
      )
    },
    fuzzTimeout(),
  )
})
