import { ComfyProgressError } from '../errors/ComfyProgressError.js'

interface GlobalCrypto {
  readonly crypto?: { getRandomValues<T extends Uint8Array>(array: T): T }
}

/**
 * `length` cryptographically random bytes from `globalThis.crypto.getRandomValues` (Node 20+, every
 * browser, Deno, Bun). Throws `CRYPTO_UNAVAILABLE` where it is missing rather than falling back to
 * `Math.random`: ids made here are capabilities and must be unguessable.
 */
export function randomBytes(length: number): Uint8Array {
  const crypto = (globalThis as GlobalCrypto).crypto
  if (crypto === undefined || typeof crypto.getRandomValues !== 'function') {
    throw new ComfyProgressError('CRYPTO_UNAVAILABLE')
  }
  return crypto.getRandomValues(new Uint8Array(length))
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX[byte]
  return out
}
