import { pyRepr, pyStr } from '../internal/pythonJson.js'
import { type PyConversion, pyBool, pyFloat, pyInt, pyString } from '../internal/pythonConvert.js'
import { type ApiPrompt, type ComfyErrorItem, isLink } from './ApiPrompt.js'
import { checkCombo, checkRange, returnTypeAt, typesMatch } from './checkValue.js'
import { PythonException } from './PythonException.js'
import { type ObjectInfo, type ObjectInfoInputSpec, listInputs } from './ObjectInfo.js'

/**
 * A port of ComfyUI 0.3.64's `validate_inputs` (`execution.py`): checks one node and, recursively,
 * every node it links to, and produces the same error items, in the same shapes and words.
 *
 * @module
 */

/** A `VALIDATE_INPUTS` hook: `true` when the value is fine, otherwise the message ComfyUI's node returns. */
export type CustomInputValidator = (value: unknown) => true | string

/** What validation needs besides the prompt. */
export interface ValidationContext {
  readonly objectInfo: ObjectInfo
  /** Class → input name → check, standing in for the node classes' `VALIDATE_INPUTS`. */
  readonly customValidators?: Readonly<Record<string, Readonly<Record<string, CustomInputValidator>>>>
}

/** The verdict on one node, cached per prompt as ComfyUI's `validated` dict is. */
export interface NodeVerdict {
  readonly valid: boolean
  readonly errors: readonly ComfyErrorItem[]
}

const CONVERSIONS: Readonly<Record<string, (value: unknown) => PyConversion>> = {
  INT: pyInt,
  FLOAT: pyFloat,
  STRING: pyString,
  BOOLEAN: pyBool,
}

/**
 * Validates node `nodeId` of `prompt`, caching verdicts in `validated`. Converts widget values in
 * place as ComfyUI does (`"20"` → `20`; FLOAT inputs become {@link PyFloat}). Throws
 * {@link PythonException} where ComfyUI raises.
 */
export function validateInputs(
  prompt: ApiPrompt,
  nodeId: string,
  state: { readonly validated: Map<string, NodeVerdict>; readonly context: ValidationContext },
): NodeVerdict {
  const cached = state.validated.get(nodeId)
  if (cached) return cached
  const active = inProgress.get(state.validated) ?? new Set<string>()
  if (active.has(nodeId)) throw new PythonException('RecursionError', 'maximum recursion depth exceeded')
  inProgress.set(state.validated, active.add(nodeId))
  try {
    return validateNode(prompt, nodeId, state)
  } finally {
    active.delete(nodeId)
  }
}

// Nodes being validated, per validation run: a link back to one of them is a cycle, which makes
// ComfyUI's recursive validator raise RecursionError.
const inProgress = new WeakMap<Map<string, NodeVerdict>, Set<string>>()

function validateNode(
  prompt: ApiPrompt,
  nodeId: string,
  state: { readonly validated: Map<string, NodeVerdict>; readonly context: ValidationContext },
): NodeVerdict {
  const node = prompt[nodeId]!
  const inputs = node.inputs
  if (typeof inputs !== 'object' || inputs === null) throw new PythonException('KeyError', "'inputs'")
  const info = state.context.objectInfo[node.class_type]!
  const validators = state.context.customValidators?.[node.class_type] ?? {}
  const errors: ComfyErrorItem[] = []
  let valid = true

  for (const { name, category, spec } of listInputs(info)) {
    const [inputType, extra = {}] = spec
    const config: ObjectInfoInputSpec = [inputType, extra]
    if (!(name in inputs)) {
      if (category === 'required') {
        errors.push(
          item(
            { type: 'required_input_missing', message: 'Required input is missing', details: name },
            { input_name: name },
          ),
        )
      }
      continue
    }
    let value = inputs[name]
    if (isLink(value)) {
      if (value.length !== 2) {
        errors.push(
          item(
            {
              type: 'bad_linked_input',
              message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
              details: name,
            },
            {
              input_name: name,
              input_config: config,
              received_value: value,
            },
          ),
        )
        continue
      }
      const [sourceId, slot] = value as [unknown, unknown]
      const source = typeof sourceId === 'string' ? prompt[sourceId] : undefined
      if (!source || !Object.hasOwn(prompt, sourceId as string)) {
        throw new PythonException('KeyError', pyRepr(sourceId))
      }

      const receivedType = returnTypeAt(state.context.objectInfo[source.class_type]!.output, slot)
      if (!typesMatch(receivedType, inputType)) {
        errors.push(
          item(
            {
              type: 'return_type_mismatch',
              message: 'Return type mismatch between linked nodes',
              details: `${name}, received_type(${pyStr(receivedType)}) mismatch input_type(${pyStr(inputType)})`,
            },
            { input_name: name, input_config: config, received_type: receivedType, linked_node: value },
          ),
        )
        continue
      }
      try {
        if (!validateInputs(prompt, sourceId as string, state).valid) valid = false
      } catch (error) {
        if (!(error instanceof PythonException)) throw error
        valid = false
        state.validated.set(sourceId as string, {
          valid: false,
          errors: [
            item(
              {
                type: 'exception_during_inner_validation',
                message: 'Exception when validating inner node',
                details: error.message,
              },
              {
                input_name: name,
                input_config: config,
                exception_message: error.message,
                exception_type: error.pythonType,
                traceback: error.traceback,
                linked_node: value,
              },
            ),
          ],
        })
      }
      continue
    }

    if (typeof value === 'object' && value !== null && '__value__' in value) {
      value = value.__value__
      inputs[name] = value
    }
    const convert = typeof inputType === 'string' ? CONVERSIONS[inputType] : undefined
    if (convert) {
      const converted = convert(value)
      if (!converted.ok) {
        errors.push(
          item(
            {
              type: 'invalid_input_type',
              message: `Failed to convert an input value to a ${inputType as string} value`,
              details: `${name}, ${pyStr(value)}, ${converted.error}`,
            },
            {
              input_name: name,
              input_config: config,
              received_value: value,
              exception_message: converted.error,
            },
          ),
        )
        continue
      }
      value = converted.value
      inputs[name] = value
    }

    if (name in validators) continue
    const error =
      checkRange(name, value, { inputType, extra, config }) ??
      checkCombo(name, value, { inputType, extra, config })
    if (error) errors.push(error)
  }

  for (const [name, validate] of Object.entries(validators)) {
    if (!(name in inputs)) continue
    const verdict = validate(inputs[name])
    if (verdict !== true) {
      errors.push(
        item(
          {
            type: 'custom_validation_failed',
            message: 'Custom validation failed for node',
            details: `${name} - ${verdict}`,
          },
          {
            input_name: name,
          },
        ),
      )
    }
  }

  const verdict: NodeVerdict = { valid: valid && errors.length === 0, errors }
  state.validated.set(nodeId, verdict)
  return verdict
}

function item(
  head: { type: string; message: string; details: string },
  extra: Record<string, unknown>,
): ComfyErrorItem {
  return { ...head, extra_info: extra }
}
