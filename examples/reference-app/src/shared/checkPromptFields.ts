import { generateLimits } from './GenerateBody.js'
import { findWorkflowPreset, type WorkflowPreset } from './workflowPresets.js'

/** A problem with one form field, in words for the person filling it in. */
export interface FieldProblem {
  readonly field: 'body' | 'workflow' | 'prompt' | 'negativePrompt' | 'seed' | 'image' | 'mask'
  readonly message: string
}

/** The text fields of a generate request, checked. */
export interface PromptFields {
  readonly preset: WorkflowPreset
  readonly prompt: string
  /** Trimmed; may be empty. */
  readonly negativePrompt: string
  /** `undefined`: pick one at random. */
  readonly seed: number | undefined
}

/**
 * Checks the form's text fields: the page before it sends them, the server again when they arrive
 * (the same words either way). Returns the checked fields, or the first problem.
 *
 * @example
 * ```ts
 * checkPromptFields({ workflow: 'txt2img', prompt: '' }) // { field: 'prompt', message: 'Describe the image you want first.' }
 * ```
 */
export function checkPromptFields(body: Readonly<Record<string, unknown>>): PromptFields | FieldProblem {
  const preset = findWorkflowPreset(body.workflow)
  if (preset === undefined) return { field: 'workflow', message: 'Choose one of the listed workflows.' }
  const prompt = typeof body.prompt === 'string' ? body.prompt.trim() : ''
  if (prompt === '') {
    const message =
      preset.template === 'inpaint'
        ? 'Describe what should appear in the painted area.'
        : 'Describe the image you want first.'
    return { field: 'prompt', message }
  }
  const max = generateLimits.maxPromptLength
  if (prompt.length > max) return { field: 'prompt', message: `Keep the prompt under ${max} characters.` }
  const negativePrompt = typeof body.negativePrompt === 'string' ? body.negativePrompt.trim() : ''
  if (negativePrompt.length > max) {
    return { field: 'negativePrompt', message: `Keep the negative prompt under ${max} characters.` }
  }
  const { seed } = body
  if (seed === undefined || seed === null) return { preset, prompt, negativePrompt, seed: undefined }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > generateLimits.maxSeed) {
    return { field: 'seed', message: 'The seed must be a whole number from 0 to 9007199254740991, or empty.' }
  }
  return { preset, prompt, negativePrompt, seed }
}

/** Whether {@link checkPromptFields} found a problem. */
export function isFieldProblem(value: PromptFields | FieldProblem): value is FieldProblem {
  return 'field' in value
}
