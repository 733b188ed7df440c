/**
 * Strict UTF-8 decoding for binary frames, on the platform's `TextDecoder` (global in every browser
 * and in Node). Core compiles with `lib: ["ES2022"]` and no DOM or Node types, so the one part of
 * `TextDecoder` used here is declared below; the declaration is module-local and emits nothing.
 *
 * @module
 */

interface Utf8Decoder {
  decode(input: Uint8Array): string
}

declare const TextDecoder: new (
  label: 'utf-8',
  options: { readonly fatal: boolean; readonly ignoreBOM: boolean },
) => Utf8Decoder

let decoder: Utf8Decoder | undefined

/**
 * Decodes `bytes` as UTF-8, exactly: a byte order mark is kept as U+FEFF, and malformed UTF-8 gives
 * `undefined` instead of replacement characters. Never throws.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    // Created on first use, so importing core never touches a platform global.
    decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}
