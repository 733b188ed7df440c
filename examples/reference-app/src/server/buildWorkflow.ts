import { ComfyProgressError, type ComfyWorkflow } from '@comfy-progress/core'

/** The fields that go into a template. */
export interface WorkflowFields {
  readonly prompt: string
  readonly negativePrompt: string
  readonly seed: number
  readonly steps: number
  readonly checkpoint: string
  /** Text to image: the latent size. */
  readonly width?: number
  readonly height?: number
  /** Inpainting: ComfyUI's names of the uploaded image and mask (`LoadImage` / `LoadImageMask`). */
  readonly image?: string
  readonly mask?: string
}

type MutableNode = { class_type: string; inputs: Record<string, unknown> }

/**
 * Fills an API-format template (as exported by ComfyUI's "Save (API)") with a person's choices. Nodes
 * are found by their role, not their id, so an exported workflow of the same shape can replace the
 * shipped one: the `KSampler`'s `positive` and `negative` inputs lead to the two `CLIPTextEncode`
 * nodes; `CheckpointLoaderSimple` gets the checkpoint, `EmptyLatentImage` the size, `LoadImage` and
 * `LoadImageMask` the uploaded files. The template is not modified.
 *
 * @example
 * ```ts
 * const workflow = buildWorkflow(txt2img, { prompt: 'a lighthouse', negativePrompt: '', seed: 7, steps: 20, checkpoint })
 * ```
 */
export function buildWorkflow(template: ComfyWorkflow, fields: WorkflowFields): ComfyWorkflow {
  const workflow = structuredClone(template) as unknown as Record<string, MutableNode>
  const sampler = findNode(workflow, 'KSampler')
  Object.assign(sampler.inputs, { seed: fields.seed, steps: fields.steps })
  linkedNode(workflow, sampler, 'positive').inputs.text = fields.prompt
  linkedNode(workflow, sampler, 'negative').inputs.text = fields.negativePrompt
  findNode(workflow, 'CheckpointLoaderSimple').inputs.ckpt_name = fields.checkpoint
  if (fields.width !== undefined && fields.height !== undefined) {
    Object.assign(findNode(workflow, 'EmptyLatentImage').inputs, {
      width: fields.width,
      height: fields.height,
    })
  }
  if (fields.image !== undefined) findNode(workflow, 'LoadImage').inputs.image = fields.image
  if (fields.mask !== undefined) findNode(workflow, 'LoadImageMask').inputs.image = fields.mask
  return workflow
}

function findNode(workflow: Record<string, MutableNode>, classType: string): MutableNode {
  const node = Object.values(workflow).find((candidate) => candidate.class_type === classType)
  if (node === undefined) throw templateError(`has no ${classType} node`)
  return node
}

function linkedNode(workflow: Record<string, MutableNode>, from: MutableNode, input: string): MutableNode {
  const link = from.inputs[input]
  const node = Array.isArray(link) ? workflow[String(link[0])] : undefined
  if (node === undefined) throw templateError(`has no node linked to ${from.class_type}.${input}`)
  return node
}

function templateError(problem: string): ComfyProgressError {
  return new ComfyProgressError('INTERNAL_ERROR', `reference-app: the workflow template ${problem}.`)
}
