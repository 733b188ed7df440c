/** One address range webhooks may not reach, with the reason a reader (and an error's details) sees. */
export interface AddressRange {
  /** The network address, e.g. `10.0.0.0` or `fc00::`. */
  readonly network: string
  /** The prefix length in bits. */
  readonly prefix: number
  /** What the range is, e.g. `private`, `loopback`. */
  readonly range: string
}

/**
 * IPv4 ranges a webhook may never connect to unless allowlisted: everything in IANA's special-purpose
 * registry that is not globally reachable unicast (RFC 6890 and its updates).
 */
export const FORBIDDEN_IPV4_RANGES: readonly AddressRange[] = Object.freeze([
  { network: '0.0.0.0', prefix: 8, range: 'unspecified' }, // "this network", incl. 0.0.0.0
  { network: '10.0.0.0', prefix: 8, range: 'private' },
  { network: '100.64.0.0', prefix: 10, range: 'shared (CGNAT)' },
  { network: '127.0.0.0', prefix: 8, range: 'loopback' },
  { network: '169.254.0.0', prefix: 16, range: 'link-local' }, // incl. cloud metadata 169.254.169.254
  { network: '172.16.0.0', prefix: 12, range: 'private' },
  { network: '192.0.0.0', prefix: 24, range: 'IETF protocol assignments' },
  { network: '192.0.2.0', prefix: 24, range: 'documentation' },
  { network: '192.88.99.0', prefix: 24, range: '6to4 relay anycast' },
  { network: '192.168.0.0', prefix: 16, range: 'private' },
  { network: '198.18.0.0', prefix: 15, range: 'benchmarking' },
  { network: '198.51.100.0', prefix: 24, range: 'documentation' },
  { network: '203.0.113.0', prefix: 24, range: 'documentation' },
  { network: '224.0.0.0', prefix: 4, range: 'multicast' },
  { network: '240.0.0.0', prefix: 4, range: 'reserved' }, // incl. broadcast 255.255.255.255
])

/**
 * IPv6 ranges a webhook may never connect to unless allowlisted. Ranges that embed an IPv4 address
 * (IPv4-mapped `::ffff:0:0/96`, IPv4-translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are not listed: the embedded
 * IPv4 address is checked against {@link FORBIDDEN_IPV4_RANGES} instead.
 */
export const FORBIDDEN_IPV6_RANGES: readonly AddressRange[] = Object.freeze([
  { network: '::', prefix: 96, range: 'unspecified, loopback or IPv4-compatible' }, // ::, ::1, ::a.b.c.d
  { network: '64:ff9b:1::', prefix: 48, range: 'local-use NAT64' },
  { network: '100::', prefix: 64, range: 'discard-only' },
  { network: '2001::', prefix: 23, range: 'IETF protocol assignments (Teredo, ORCHID, benchmarking)' },
  { network: '2001:db8::', prefix: 32, range: 'documentation' },
  { network: '3fff::', prefix: 20, range: 'documentation' },
  { network: '5f00::', prefix: 16, range: 'segment routing' },
  { network: 'fc00::', prefix: 7, range: 'unique local' },
  { network: 'fe80::', prefix: 10, range: 'link-local' },
  { network: 'fec0::', prefix: 10, range: 'site-local (deprecated)' },
  { network: 'ff00::', prefix: 8, range: 'multicast' },
])
