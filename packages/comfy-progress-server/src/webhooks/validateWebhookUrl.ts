import { ComfyProgressError } from '@comfy-progress/core'
import { type AddressPolicy, createAddressPolicy, normaliseHostname, parseIp } from './addressPolicy.js'

/** Options of {@link validateWebhookUrl}. */
export interface ValidateWebhookUrlOptions {
  /**
   * Host names, IP addresses and CIDR ranges that may be reached although they are not public
   * (an intranet receiver, a test server on 127.0.0.1).
   * @default []
   */
  readonly allow?: readonly string[]
}

/** Longest accepted webhook URL, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048

/**
 * Checks a webhook URL before anything is sent to it, and returns it parsed. Refuses, with
 * `WEBHOOK_URL_INVALID`: a value that is not an absolute URL, a scheme other than `http:`/`https:`
 * (`file:`, `ftp:`, `gopher:`…), credentials in the URL, more than 2048 characters. Refuses, with
 * `WEBHOOK_URL_FORBIDDEN`: a literal IP address in a non-public range, in any notation the WHATWG URL
 * parser accepts (`http://2130706433/`, `http://0177.0.0.1/`, `http://0x7f.1/`,
 * `http://[::ffff:127.0.0.1]/` all are 127.0.0.1), and the names `localhost` and `*.localhost`.
 *
 * Host names are NOT resolved here: the delivery checks the address it actually connects to, after
 * DNS (see `createGuardedLookup`), so a name that resolves to 127.0.0.1, now or later, is refused too.
 *
 * @example
 * ```ts
 * validateWebhookUrl('https://hooks.example.com/comfy') // URL
 * validateWebhookUrl('http://127.0.0.1:9000/', { allow: ['127.0.0.1'] }) // URL (allowlisted)
 * validateWebhookUrl('http://0x7f.1/') // throws WEBHOOK_URL_FORBIDDEN
 * ```
 */
export function validateWebhookUrl(url: unknown, options: ValidateWebhookUrlOptions = {}): URL {
  return checkWebhookUrl(url, createAddressPolicy(options.allow))
}

/** {@link validateWebhookUrl} with a policy built once (the dispatcher checks many URLs). */
export function checkWebhookUrl(url: unknown, policy: AddressPolicy): URL {
  if (typeof url !== 'string' && !(url instanceof URL)) throw invalid('not-a-string')
  const text = String(url)
  if (text.length > MAX_WEBHOOK_URL_LENGTH) throw invalid('too-long')
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    throw invalid('not-a-url')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('scheme')
  if (parsed.username !== '' || parsed.password !== '') throw invalid('credentials')
  const host = parsed.hostname
  if (parseIp(host) !== null) {
    const range = policy.forbiddenRange(host)
    if (range !== null) throw forbidden(host, range)
    return parsed
  }
  const name = normaliseHostname(host)
  if ((name === 'localhost' || name.endsWith('.localhost')) && !policy.isAllowedHost(name)) {
    throw forbidden(host, 'loopback')
  }
  return parsed
}

function invalid(reason: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_URL_INVALID', undefined, { details: { reason } })
}

/** `WEBHOOK_URL_FORBIDDEN` for `host` (and the address it resolved to, if any) in `range`. */
export function forbidden(host: string, range: string, address?: string): ComfyProgressError {
  return new ComfyProgressError('WEBHOOK_URL_FORBIDDEN', undefined, {
    details: { host, range, ...(address === undefined ? {} : { address }) },
  })
}
