import { randomBytes, toHex } from '../internal/randomBytes.js'

/**
 * A new ComfyUI prompt id: a random, lowercase, hyphenated UUID v4 (122 random bits), the canonical
 * form newer ComfyUI servers require. {@link ComfyClient.submit} generates one before posting, so that
 * frames arriving before `POST /prompt` answers can already be routed to the prompt.
 *
 * @example
 * ```ts
 * createPromptId() // 'a3bb189e-8bf9-4888-9912-ace4e6543002'
 * ```
 */
export function createPromptId(): string {
  const bytes = randomBytes(16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40 // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80 // RFC 4122 variant
  const hex = toHex(bytes)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Whether `value` is a canonical lowercase hyphenated UUID, the prompt id form newer servers accept. */
export function isCanonicalPromptId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value)
}
