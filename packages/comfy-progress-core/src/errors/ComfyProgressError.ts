import { type ComfyProgressErrorCode, errorCodes } from './codes.js'

/** Options of {@link ComfyProgressError}. */
export interface ComfyProgressErrorOptions {
  /** Structured data a program can act on (a node id, ComfyUI's `node_errors`, a byte offset). */
  readonly details?: unknown
  /** The underlying error, if any. */
  readonly cause?: unknown
}

/**
 * The one error class of comfy-progress. Every failure the SDK reports, thrown or returned, is one of
 * these, with a string-literal {@link ComfyProgressErrorCode} that programs switch on and a message
 * (prefixed `comfy-progress:`) that a person can act on.
 *
 * @example
 * ```ts
 * try {
 *   await client.submitPrompt(workflow)
 * } catch (error) {
 *   if (isComfyProgressError(error) && error.code === 'COMFY_VALIDATION_FAILED') {
 *     console.log(error.details)
 *   }
 * }
 * ```
 */
export class ComfyProgressError extends Error {
  /** What went wrong, from the single table in `errors/codes.ts`. */
  readonly code: ComfyProgressErrorCode
  /** Structured data about the failure; see each code's documentation. */
  readonly details: unknown

  constructor(code: ComfyProgressErrorCode, message?: string, options: ComfyProgressErrorOptions = {}) {
    const text = message ?? errorCodes[code]
    super(text.startsWith('comfy-progress:') ? text : `comfy-progress: ${text}`, { cause: options.cause })
    this.name = 'ComfyProgressError'
    this.code = code
    this.details = options.details
  }

  /** A plain JSON shape, `{code, message}`, safe to send to a client. */
  toJSON(): { code: ComfyProgressErrorCode; message: string } {
    return { code: this.code, message: this.message }
  }
}

/**
 * Whether `value` is a {@link ComfyProgressError}, optionally with one given code. Works across
 * bundled copies of the package (checks the shape, not only `instanceof`).
 */
export function isComfyProgressError(
  value: unknown,
  code?: ComfyProgressErrorCode,
): value is ComfyProgressError {
  if (!(value instanceof Error) || value.name !== 'ComfyProgressError') return false
  const actual = (value as { code?: unknown }).code
  if (typeof actual !== 'string' || !(actual in errorCodes)) return false
  return code === undefined || actual === code
}

/**
 * Turns anything thrown into a {@link ComfyProgressError}: returns it unchanged if it already is one,
 * otherwise wraps it with `code` and keeps the original as `cause`.
 */
export function toComfyProgressError(value: unknown, code: ComfyProgressErrorCode): ComfyProgressError {
  if (isComfyProgressError(value)) return value
  const message = value instanceof Error ? value.message : String(value)
  return new ComfyProgressError(code, `comfy-progress: ${errorCodes[code]} ${message}`.trim(), {
    cause: value,
  })
}
