/**
 * ComfyUI is a Python server: its WebSocket frames and JSON responses are written by `json.dumps`
 * (separators `", "` and `": "`, `ensure_ascii`, floats always with a fraction), and its error messages
 * format values with Python's `str()` and `repr()`. These helpers reproduce that byte for byte, so the
 * simulator's wire output looks like the real server's.
 *
 * @module
 */

/** A number that Python holds as a `float`: serialised as `1.0`, not `1`. */
export class PyFloat {
  constructor(readonly value: number) {}

  /** Plain `JSON.stringify` sees the number. */
  toJSON(): number {
    return this.value
  }
}

/** The numeric value of a number or {@link PyFloat}; `NaN` for anything else. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value
  if (value instanceof PyFloat) return value.value
  return Number.NaN
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integers, exponent outside 1e-4..1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}

/** `json.dumps(value)` as Python writes it (default separators, `ensure_ascii=True`). */
export function toPythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : pyFloatRepr(value)
    case 'string':
      return quoteJson(value)
    case 'object':
      break
    default:
      return 'null'
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value)
  if (Array.isArray(value)) return `[${value.map((item) => toPythonJson(item)).join(', ')}]`
  const parts: string[] = []
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue
    parts.push(`${quoteJson(key)}: ${toPythonJson(item)}`)
  }
  return `{${parts.join(', ')}}`
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

function quoteJson(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/["\\\u0000-\u001f\u007f-\uffff]/g, (char) => {
    if (char === '\u007f') return char
    return JSON_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  return `"${escaped}"`
}

/** Python's `str(value)` for JSON-shaped values (`True`, `None`, `7.0`, `['a', 'b']`, `{'k': 1}`). */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value)
}

/** Python's `repr(value)` for JSON-shaped values. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloatRepr(value)
  if (typeof value === 'string') return quotePython(value)
  if (value instanceof PyFloat) return pyFloatRepr(value.value)
  if (Array.isArray(value)) return `[${value.map((item) => pyRepr(item)).join(', ')}]`
  if (typeof value === 'object') {
    const parts = Object.entries(value).map(([key, item]) => `${quotePython(key)}: ${pyRepr(item)}`)
    return `{${parts.join(', ')}}`
  }
  return typeof value === 'bigint' ? value.toString() : typeof value
}

function quotePython(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (char === '\\') out += '\\\\'
    else if (char === quote) out += `\\${quote}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += char
  }
  return `${quote}${out}${quote}`
}

/** Python's type name of a JSON-shaped value, as in `not 'NoneType'`. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (value instanceof PyFloat) return 'float'
  if (typeof value === 'string') return 'str'
  if (Array.isArray(value)) return 'list'
  return 'dict'
}
