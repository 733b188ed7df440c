import type { ApiPrompt, ComfyErrorItem, ComfyNodeErrors } from './ApiPrompt.js'
import { PythonException } from './PythonException.js'
import { type NodeVerdict, type ValidationContext, validateInputs } from './validateInputs.js'

/**
 * A port of ComfyUI 0.3.64's `validate_prompt`: finds the output nodes, validates each with its
 * dependencies and assembles `node_errors` exactly as the real server does (including its habit of
 * listing every failed output in the `dependent_outputs` of every failing node).
 *
 * @module
 */

/** The verdict on a whole prompt. `outputs` are the valid output nodes that will run. */
export type PromptVerdict =
  | {
      readonly ok: true
      readonly outputs: string[]
      readonly nodeErrors: Record<string, ComfyNodeErrors>
    }
  | {
      readonly ok: false
      readonly error: ComfyErrorItem
      readonly nodeErrors: Record<string, ComfyNodeErrors>
    }

/** Options of {@link validatePrompt}. */
export interface ValidatePromptOptions extends ValidationContext {
  /** `partial_execution_targets`: only these output nodes are executed. */
  readonly partialTargets?: readonly string[] | undefined
}

/**
 * Validates an API-format prompt. The prompt's widget values are converted in place (as ComfyUI
 * stores them). The prompt must be an object whose values are objects; the caller answers 500
 * otherwise, as ComfyUI does.
 */
export function validatePrompt(prompt: ApiPrompt, options: ValidatePromptOptions): PromptVerdict {
  const outputs: string[] = []
  for (const [id, node] of Object.entries(prompt)) {
    if (!('class_type' in node)) {
      return failure(
        'invalid_prompt',
        'Cannot execute because a node is missing the class_type property.',
        `Node ID '#${id}'`,
      )
    }
    const info = Object.hasOwn(options.objectInfo, node.class_type)
      ? options.objectInfo[node.class_type]
      : undefined
    if (!info) {
      return failure(
        'invalid_prompt',
        `Cannot execute because node ${String(node.class_type)} does not exist.`,
        `Node ID '#${id}'`,
      )
    }
    if (info.output_node === true && (!options.partialTargets || options.partialTargets.includes(id))) {
      outputs.push(id)
    }
  }
  if (outputs.length === 0) return failure('prompt_no_outputs', 'Prompt has no outputs', '')

  const good: string[] = []
  const failed: [string, readonly ComfyErrorItem[]][] = []
  const nodeErrors: Record<string, ComfyNodeErrors> = {}
  const validated = new Map<string, NodeVerdict>()
  for (const output of outputs) {
    let verdict: NodeVerdict
    try {
      verdict = validateInputs(prompt, output, { validated, context: options })
    } catch (error) {
      if (!(error instanceof PythonException)) throw error
      verdict = {
        valid: false,
        errors: [
          {
            type: 'exception_during_validation',
            message: 'Exception when validating node',
            details: error.message,
            extra_info: { exception_type: error.pythonType, traceback: error.traceback },
          },
        ],
      }
      validated.set(output, verdict)
    }
    if (verdict.valid) {
      good.push(output)
      continue
    }
    failed.push([output, verdict.errors])
    for (const [nodeId, result] of validated) {
      if (result.valid || result.errors.length === 0) continue
      nodeErrors[nodeId] ??= {
        errors: result.errors,
        dependent_outputs: [],
        class_type: prompt[nodeId]!.class_type,
      }
      nodeErrors[nodeId].dependent_outputs.push(output)
    }
  }

  if (good.length === 0) {
    const details = failed.flatMap(([, errors]) => errors.map((e) => `${e.message}: ${e.details}`)).join('\n')
    return {
      ...failure('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details),
      nodeErrors,
    }
  }
  return { ok: true, outputs: good, nodeErrors }
}

function failure(type: string, message: string, details: string): PromptVerdict {
  return { ok: false, error: { type, message, details, extra_info: {} }, nodeErrors: {} }
}
