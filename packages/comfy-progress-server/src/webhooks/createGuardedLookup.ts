import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import type { AddressPolicy } from './addressPolicy.js'
import { forbidden } from './validateWebhookUrl.js'

/** Resolves a host name to its addresses, as `dns.promises.lookup(hostname, {all: true})` does. */
export type WebhookResolver = (hostname: string) => Promise<readonly LookupAddress[]>

/** The default {@link WebhookResolver}: the operating system's resolver, addresses in its order. */
export const systemResolver: WebhookResolver = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true })

/**
 * The connect-time half of the SSRF guard: a `lookup` for `http.Agent`/`net.connect` that resolves
 * the host name, then refuses the connection with `WEBHOOK_URL_FORBIDDEN` if ANY resolved address is
 * in a forbidden range (so a name that resolves to 127.0.0.1, or to a public and a private address,
 * never gets a socket). The check runs on the address the socket will really use, after DNS, which
 * closes the window a separate "validate, then connect" would leave to DNS rebinding.
 *
 * Node skips `lookup` for literal IP addresses: {@link validateWebhookUrl} refuses those before
 * connecting. Host names allowlisted by name skip the address check.
 *
 * @example
 * ```ts
 * const agent = new http.Agent({ lookup: createGuardedLookup(createAddressPolicy()) })
 * ```
 */
export function createGuardedLookup(
  policy: AddressPolicy,
  resolve: WebhookResolver = systemResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    const report = callback
    resolve(hostname).then(
      (resolved) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0
        const addresses = resolved.filter((a) => family === 0 || a.family === family)
        if (!policy.isAllowedHost(hostname)) {
          for (const { address } of resolved) {
            const range = policy.forbiddenRange(address)
            if (range !== null) return report(forbidden(hostname, range, address), '', 0)
          }
        }
        const first = addresses[0]
        if (first === undefined) return report(notFound(hostname), '', 0)
        if (options.all === true)
          return report(
            null,
            addresses.map((a) => ({ ...a })),
          )
        return report(null, first.address, first.family)
      },
      (error: unknown) => report(error instanceof Error ? error : notFound(hostname), '', 0),
    )
  }
}

function notFound(hostname: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })
}
