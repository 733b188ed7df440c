import { ComfyProgressError } from '@comfy-progress/core'
import {
  checkPromptFields,
  type FieldProblem,
  isFieldProblem,
  type PromptFields,
} from '../shared/checkPromptFields.js'
import type { InpaintArea } from '../shared/GenerateBody.js'
import { decodeImageDataUrl, type DecodedImage } from './decodeImageDataUrl.js'

/** A checked generate request, ready to become a workflow. */
export interface GenerateFields extends PromptFields {
  /** Inpaint only. */
  readonly inpaint?: {
    readonly image: DecodedImage
    readonly mask: DecodedImage
    readonly area: InpaintArea | null
  }
}

const DEFAULT_NEGATIVE = 'blurry, low quality'

/**
 * Checks the body the pages send (`GenerateBody`) with the words the form uses: every problem is a
 * `BODY_INVALID` error (400) whose message the page shows as it is (`details.field` names the field).
 * The images of an inpaint request must really be images (their bytes are checked), the mask a PNG.
 *
 * @example
 * ```ts
 * parseGenerateFields({ workflow: 'txt2img', prompt: 'a lighthouse' }).preset.steps // 20
 * ```
 */
export function parseGenerateFields(body: unknown): GenerateFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid({
      field: 'body',
      message: 'The request was not understood. Reload the page and try again.',
    })
  }
  const fields = body as Record<string, unknown>
  const checked = checkPromptFields(fields)
  if (isFieldProblem(checked)) throw invalid(checked)
  return {
    ...checked,
    negativePrompt: checked.negativePrompt === '' ? DEFAULT_NEGATIVE : checked.negativePrompt,
    ...(checked.preset.template === 'inpaint' && { inpaint: parseInpaint(fields) }),
  }
}

function parseInpaint(fields: Record<string, unknown>): NonNullable<GenerateFields['inpaint']> {
  const image = decodeImageDataUrl(fields.image)
  if (image === undefined)
    throw invalid({ field: 'image', message: 'Choose a PNG, JPEG or WebP image to inpaint.' })
  const mask = decodeImageDataUrl(fields.mask)
  if (mask === undefined || mask.contentType !== 'image/png') {
    throw invalid({ field: 'mask', message: 'Paint over the part of the image you want to change.' })
  }
  return { image, mask, area: parseArea(fields.inpaintArea) }
}

function parseArea(value: unknown): InpaintArea | null {
  if (typeof value !== 'object' || value === null) return null
  const { x, y, width, height } = value as Record<string, unknown>
  const whole = (n: unknown): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100_000
  return whole(x) && whole(y) && whole(width) && whole(height) ? { x, y, width, height } : null
}

function invalid(problem: FieldProblem): ComfyProgressError {
  return new ComfyProgressError('BODY_INVALID', problem.message, { details: { field: problem.field } })
}
