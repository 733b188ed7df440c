import { numberOf, PyFloat, pyFloatRepr, pyRepr, pyStr } from '../internal/pythonJson.js'
import type { ComfyErrorItem } from './ApiPrompt.js'
import type { ObjectInfoInputSpec } from './ObjectInfo.js'
import { PythonException } from './PythonException.js'

/**
 * The per-value checks of ComfyUI's `validate_inputs`: `min`/`max`, membership in a list
 * (COMBO), the type of a linked output, with ComfyUI's words.
 *
 * @module
 */

/** An input's declared type and options, as `input_config` reports them. */
export interface InputDeclaration {
  readonly inputType: ObjectInfoInputSpec[0]
  readonly extra: Readonly<Record<string, unknown>>
  readonly config: ObjectInfoInputSpec
}

/** `value_smaller_than_min` / `value_bigger_than_max`, or `undefined`. */
export function checkRange(
  name: string,
  value: unknown,
  input: InputDeclaration,
): ComfyErrorItem | undefined {
  const number = numberOf(value)
  const bounds = [
    ['min', 'value_smaller_than_min', 'smaller than min of', (a: number, b: number) => a < b],
    ['max', 'value_bigger_than_max', 'bigger than max of', (a: number, b: number) => a > b],
  ] as const
  for (const [key, type, words, beyond] of bounds) {
    if (!(key in input.extra) || Number.isNaN(number)) continue
    const bound = numberOf(input.extra[key])
    if (!beyond(number, bound)) continue
    const boundText = input.inputType === 'FLOAT' ? pyFloatRepr(bound) : pyRepr(input.extra[key])
    return item(
      { type: type, message: `Value ${pyStr(value)} ${words} ${boundText}`, details: name },
      {
        input_name: name,
        input_config: input.config,
        received_value: value,
      },
    )
  }
  return undefined
}

/** `value_not_in_list`, or `undefined`. */
export function checkCombo(
  name: string,
  value: unknown,
  input: InputDeclaration,
): ComfyErrorItem | undefined {
  const options = Array.isArray(input.inputType)
    ? input.inputType
    : input.inputType === 'COMBO' && Array.isArray(input.extra.options)
      ? (input.extra.options as unknown[])
      : undefined
  if (!options || options.some((option) => pyEquals(option, value))) return undefined
  const long = options.length > 20
  return item(
    {
      type: 'value_not_in_list',
      message: 'Value not in list',
      details: `${name}: '${pyStr(value)}' not in ${long ? `(list of length ${options.length})` : pyStr(options)}`,
    },
    {
      input_name: name,
      input_config: long ? null : input.config,
      received_value: value,
    },
  )
}

/** Python `==` between JSON-shaped scalars (`1 == 1.0 == True`). */
function pyEquals(a: unknown, b: unknown): boolean {
  const scalar = (v: unknown): unknown =>
    typeof v === 'boolean' ? Number(v) : v instanceof PyFloat ? v.value : v
  return scalar(a) === scalar(b)
}

/** `RETURN_TYPES[slot]` of the linked node, raising as Python indexing does. */
export function returnTypeAt(outputs: readonly string[], slot: unknown): string {
  if (typeof slot !== 'number' || !Number.isInteger(slot)) {
    throw new PythonException(
      'TypeError',
      `tuple indices must be integers or slices, not ${slot === null ? 'NoneType' : typeof slot === 'string' ? 'str' : typeof slot === 'number' ? 'float' : 'list'}`,
    )
  }
  const index = slot < 0 ? outputs.length + slot : slot
  const type = outputs[index]
  if (type === undefined) throw new PythonException('IndexError', 'tuple index out of range')
  return type
}

/** ComfyUI's `validate_node_input`: equal, `*` on either side, or overlapping comma-separated unions. */
export function typesMatch(received: string, declared: ObjectInfoInputSpec[0]): boolean {
  if (typeof declared !== 'string') return false
  if (received === declared) return true
  const left = new Set(received.split(',').map((t) => t.trim()))
  const right = declared.split(',').map((t) => t.trim())
  if (left.has('*') || right.includes('*')) return true
  return right.some((t) => left.has(t))
}

function item(
  head: { type: string; message: string; details: string },
  extra: Record<string, unknown>,
): ComfyErrorItem {
  return { ...head, extra_info: extra }
}
