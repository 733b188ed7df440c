import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyProgressErrorCode } from '../errors/codes.js'

/** The `{ok: false}` branch of a parse result. `message` should say what was wrong and what to do. */
export function parseFailure(
  code: ComfyProgressErrorCode,
  message: string,
  details: Record<string, unknown>,
): { readonly ok: false; readonly error: ComfyProgressError } {
  return { ok: false, error: new ComfyProgressError(code, `comfy-progress: ${message}`, { details }) }
}
