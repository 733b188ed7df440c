import type { NeutralBodyResponse } from './NeutralHttp.js'

/** Headers of every JSON answer: never cached (task state changes). */
export const JSON_HEADERS = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
})

/** A JSON answer with `status`. */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): NeutralBodyResponse & { readonly body: string } {
  return { kind: 'body', status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(value) }
}
