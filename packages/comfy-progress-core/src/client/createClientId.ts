import { randomBytes, toHex } from '../internal/randomBytes.js'

/**
 * A new ComfyUI client id: 32 random lowercase hex characters (128 bits), the form ComfyUI itself
 * generates (`uuid4().hex`). A {@link ComfyClient} uses one id for its whole life and reuses it on every
 * reconnect, so that ComfyUI keeps routing its prompts' frames to it.
 *
 * @example
 * ```ts
 * createClientId() // '5f0c2a9e8b7d4c3f9a1e2d3c4b5a6978'
 * ```
 */
export function createClientId(): string {
  return toHex(randomBytes(16))
}
