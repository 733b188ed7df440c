import { isIPv4, isIPv6 } from 'node:net'
import { ComfyProgressError } from '@comfy-progress/core'
import { type AddressRange, FORBIDDEN_IPV4_RANGES, FORBIDDEN_IPV6_RANGES } from './forbiddenAddressRanges.js'

/** Decides which hosts and addresses a webhook may reach. Made by {@link createAddressPolicy}. */
export interface AddressPolicy {
  /** Whether `hostname` is allowlisted by name (then any address it resolves to is allowed). */
  isAllowedHost(hostname: string): boolean
  /**
   * `null` if a webhook may connect to `address` (public unicast, or allowlisted), otherwise the name
   * of the forbidden range it is in (`loopback`, `private`…).
   */
  forbiddenRange(address: string): string | null
}

interface Cidr {
  readonly bytes: Uint8Array
  readonly prefix: number
  readonly range: string
}

const V4 = compile(FORBIDDEN_IPV4_RANGES)
const V6 = compile(FORBIDDEN_IPV6_RANGES)
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/

/**
 * The SSRF policy of webhook deliveries: an address is refused if it is in a non-public range
 * (loopback, private, link-local, CGNAT, multicast, unspecified, broadcast, unique-local,
 * documentation, benchmarking…; see `forbiddenAddressRanges.ts`), including IPv4 addresses embedded
 * in IPv6 (IPv4-mapped `::ffff:127.0.0.1`, NAT64 `64:ff9b::10.0.0.1`, 6to4 `2002:7f00:1::`).
 *
 * `allow` lists exceptions: host names (any address they resolve to is accepted), IP addresses and
 * CIDR ranges (`10.1.0.0/16`, `fd00::/8`). Throws `WEBHOOK_CONFIG_INVALID` for an entry that is none
 * of these.
 *
 * @example
 * ```ts
 * const policy = createAddressPolicy(['127.0.0.1', 'hooks.intranet.example'])
 * policy.forbiddenRange('10.0.0.7') // 'private'
 * policy.forbiddenRange('127.0.0.1') // null (allowlisted)
 * ```
 */
export function createAddressPolicy(allow: readonly string[] = []): AddressPolicy {
  if (!Array.isArray(allow)) throw invalidAllow()
  const hosts = new Set<string>()
  const cidrs: Cidr[] = []
  for (const entry of allow as readonly unknown[]) {
    if (typeof entry !== 'string') throw invalidAllow()
    const cidr = parseCidr(entry)
    if (cidr !== null) cidrs.push(cidr)
    else if (HOSTNAME.test(normaliseHostname(entry))) hosts.add(normaliseHostname(entry))
    else throw invalidAllow()
  }
  return {
    isAllowedHost: (hostname) => hosts.has(normaliseHostname(hostname)),
    forbiddenRange(address) {
      const bytes = parseIp(address)
      if (bytes === null) return 'not an IP address'
      const embedded = bytes.length === 16 ? embeddedIpv4(bytes) : null
      if (cidrs.some((c) => contains(c, bytes) || (embedded !== null && contains(c, embedded)))) return null
      if (embedded !== null) {
        const range = match(V4, embedded)
        if (range !== null) return range
      }
      return match(bytes.length === 4 ? V4 : V6, bytes)
    },
  }
}

/** A host name as URLs and DNS compare it: lower case, without the trailing dot of a FQDN. */
export function normaliseHostname(hostname: string): string {
  const lower = hostname.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

/** The 4 or 16 bytes of an IPv4 or IPv6 address (a zone id such as `%eth0` is ignored), or `null`. */
export function parseIp(address: string): Uint8Array | null {
  const plain = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  if (isIPv4(plain)) return new Uint8Array(plain.split('.').map(Number))
  const withoutZone = plain.split('%')[0] ?? ''
  if (!isIPv6(withoutZone)) return null
  return parseIpv6(withoutZone)
}

function parseIpv6(address: string): Uint8Array {
  let text = address
  const lastColon = text.lastIndexOf(':')
  const last = text.slice(lastColon + 1)
  if (last.includes('.')) {
    // A dotted IPv4 tail (`::ffff:127.0.0.1`) is two 16-bit groups.
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number)
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', rest] = text.split('::')
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)))
  const left = parse(head)
  const right = rest === undefined ? [] : parse(rest)
  const groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  const bytes = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    const group = groups[i] ?? 0
    bytes[i * 2] = group >> 8
    bytes[i * 2 + 1] = group & 0xff
  }
  return bytes
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96, SIIT),
 * NAT64 (64:ff9b::/96) or 6to4 (2002::/16) IPv6 address.
 */
function embeddedIpv4(b: Uint8Array): Uint8Array | null {
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12, 16)
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(10, 12)) return b.slice(12, 16)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12, 16)
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6)
  return null
}

function parseCidr(entry: string): Cidr | null {
  const [address = '', prefixText, extra] = entry.split('/')
  if (extra !== undefined) return null
  const bytes = parseIp(address)
  if (bytes === null) return null
  const bits = bytes.length * 8
  if (prefixText === undefined) return { bytes, prefix: bits, range: 'allowlisted' }
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) throw invalidAllow()
  return { bytes, prefix: Number(prefixText), range: 'allowlisted' }
}

function compile(ranges: readonly AddressRange[]): readonly Cidr[] {
  return ranges.map(({ network, prefix, range }) => ({ bytes: parseIp(network)!, prefix, range }))
}

function match(table: readonly Cidr[], bytes: Uint8Array): string | null {
  for (const cidr of table) if (contains(cidr, bytes)) return cidr.range
  return null
}

function contains(cidr: Cidr, bytes: Uint8Array): boolean {
  if (cidr.bytes.length !== bytes.length) return false
  const full = cidr.prefix >> 3
  for (let i = 0; i < full; i++) if (cidr.bytes[i] !== bytes[i]) return false
  const rest = cidr.prefix & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return ((cidr.bytes[full] ?? 0) & mask) === ((bytes[full] ?? 0) & mask)
}

function invalidAllow(): ComfyProgressError {
  return new ComfyProgressError(
    'WEBHOOK_CONFIG_INVALID',
    'comfy-progress: every entry of `allow` must be a host name, an IP address or a CIDR range.',
    { details: { field: 'allow' } },
  )
}
