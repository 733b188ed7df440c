import { PyFloat, pyRepr, pyStr, pyTypeName } from './pythonJson.js'

/**
 * The value conversions ComfyUI's validator applies to widget inputs (`int(val)`, `float(val)`,
 * `str(val)`, `bool(val)`), with Python's own error messages, so that `invalid_input_type` errors
 * read exactly as the real server's.
 *
 * @module
 */

/** A conversion: the converted value, or the message of the Python exception it raised. */
export type PyConversion =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string }

const INT_LITERAL = /^\s*[+-]?\d+(?:_\d+)*\s*$/
const FLOAT_LITERAL = /^\s*[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d*(?:_\d+)*(?:[eE][+-]?\d+)?|inf|infinity|nan)\s*$/i

/** Python's `int(value)`. */
export function pyInt(value: unknown): PyConversion {
  if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 }
  if (typeof value === 'number' || value instanceof PyFloat) {
    const number = typeof value === 'number' ? value : value.value
    if (Number.isNaN(number)) return { ok: false, error: 'cannot convert float NaN to integer' }
    if (!Number.isFinite(number)) return { ok: false, error: 'cannot convert float infinity to integer' }
    return { ok: true, value: Math.trunc(number) }
  }
  if (typeof value === 'string') {
    if (INT_LITERAL.test(value)) return { ok: true, value: Number(value.trim().replaceAll('_', '')) }
    return { ok: false, error: `invalid literal for int() with base 10: ${pyRepr(value)}` }
  }
  return {
    ok: false,
    error: `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`,
  }
}

/** Python's `float(value)`; the result is a {@link PyFloat}. */
export function pyFloat(value: unknown): PyConversion {
  if (typeof value === 'boolean') return { ok: true, value: new PyFloat(value ? 1 : 0) }
  if (typeof value === 'number') return { ok: true, value: new PyFloat(value) }
  if (value instanceof PyFloat) return { ok: true, value }
  if (typeof value === 'string') {
    const text = value.trim()
    if (text !== '' && text !== '.' && FLOAT_LITERAL.test(value) && /\d|inf|nan/i.test(text)) {
      const normal = text.replaceAll('_', '').toLowerCase()
      const number = normal.includes('nan')
        ? Number.NaN
        : normal.includes('inf')
          ? normal.startsWith('-')
            ? -Infinity
            : Infinity
          : Number(normal)
      if (!Number.isNaN(number) || normal.includes('nan')) return { ok: true, value: new PyFloat(number) }
    }
    return { ok: false, error: `could not convert string to float: ${pyRepr(value)}` }
  }
  return {
    ok: false,
    error: `float() argument must be a string or a real number, not '${pyTypeName(value)}'`,
  }
}

/** Python's `str(value)`. Never fails for JSON-shaped values. */
export function pyString(value: unknown): PyConversion {
  return { ok: true, value: pyStr(value) }
}

/** Python's `bool(value)`: truthiness (`"false"` is `True`, `[]` and `{}` are `False`). */
export function pyBool(value: unknown): PyConversion {
  if (value === null || value === undefined) return { ok: true, value: false }
  if (typeof value === 'boolean') return { ok: true, value }
  if (typeof value === 'number') return { ok: true, value: value !== 0 }
  if (value instanceof PyFloat) return { ok: true, value: value.value !== 0 }
  if (typeof value === 'string') return { ok: true, value: value.length > 0 }
  if (Array.isArray(value)) return { ok: true, value: value.length > 0 }
  return { ok: true, value: Object.keys(value).length > 0 }
}
