import { ComfyProgressError } from '../errors/ComfyProgressError.js'

const BASE_URL = /^(https?):\/\/([^/?#\s]+)(\/[^?#\s]*)?$/i

/**
 * Checks and normalises ComfyUI's base URL (`http[s]://host[:port][/prefix]`, no query): lowercase
 * scheme, no trailing slash. Throws `CLIENT_INVALID_OPTIONS` for anything else.
 */
export function normalizeBaseUrl(baseUrl: unknown): string {
  const match = typeof baseUrl === 'string' ? BASE_URL.exec(baseUrl.trim()) : null
  if (!match) {
    throw new ComfyProgressError(
      'CLIENT_INVALID_OPTIONS',
      `comfy-progress: baseUrl must be ComfyUI's http(s) address, like "http://127.0.0.1:8188"; got ${JSON.stringify(baseUrl)}.`,
      { details: { option: 'baseUrl' } },
    )
  }
  const path = (match[3] ?? '').replace(/\/+$/, '')
  return `${match[1]!.toLowerCase()}://${match[2]!}${path}`
}

/** `ws[s]://host/…/ws?clientId=…` for a normalised base URL. */
export function webSocketUrl(baseUrl: string, clientId: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(clientId)}`
}

/** `?a=1&b=x` from the defined entries of `params`, or `''` if none. */
export function queryString(params: Readonly<Record<string, string | number | undefined>>): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`
}
