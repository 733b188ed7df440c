import type { ComfyWorkflowNode } from './ComfyWorkflow.js'

/**
 * How much work a node of each class is, relative to **one sampler step = 1**. Samplers are not in this
 * table: their weight is their step count (see {@link estimateNodeWeight}). Rough figures from the
 * recorded runs and common GPUs; they only need to be right in proportion, since the ETA is measured,
 * not derived from them. Classes not listed weigh {@link DEFAULT_NODE_WEIGHT}.
 *
 * Frozen: pass `weights` to `initialProgressState` to override single entries.
 */
export const NODE_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  CheckpointLoaderSimple: 2,
  CheckpointLoader: 2,
  UNETLoader: 2,
  CLIPLoader: 1,
  DualCLIPLoader: 1,
  VAELoader: 0.5,
  LoraLoader: 1,
  LoraLoaderModelOnly: 1,
  ControlNetLoader: 1,
  UpscaleModelLoader: 0.5,
  CLIPTextEncode: 0.5,
  CLIPTextEncodeSDXL: 0.5,
  ControlNetApply: 0.25,
  ControlNetApplyAdvanced: 0.25,
  EmptyLatentImage: 0.1,
  EmptySD3LatentImage: 0.1,
  LatentUpscale: 0.25,
  LatentUpscaleBy: 0.25,
  SetLatentNoiseMask: 0.1,
  LoadImage: 0.25,
  LoadImageMask: 0.25,
  ImageScale: 0.25,
  ImageScaleBy: 0.25,
  VAEDecode: 2,
  VAEDecodeTiled: 4,
  VAEEncode: 2,
  VAEEncodeTiled: 4,
  VAEEncodeForInpaint: 2,
  InpaintModelConditioning: 2,
  ImageUpscaleWithModel: 5,
  SaveImage: 1,
  PreviewImage: 0.5,
})

/** The weight of a node class that {@link NODE_WEIGHTS} does not list. */
export const DEFAULT_NODE_WEIGHT = 1

/** Steps assumed for a sampler whose step count is a link or missing (ComfyUI's own default). */
export const DEFAULT_SAMPLER_STEPS = 20

/** Sampler classes whose `steps` input says how many progress updates they will send. */
const STEP_SAMPLERS = new Set(['KSampler', 'KSamplerAdvanced'])
/** Sampler classes whose step count comes from a `sigmas` link, unknown before they run. */
const SIGMA_SAMPLERS = new Set(['SamplerCustom', 'SamplerCustomAdvanced'])

/**
 * The expected work of one workflow node, in sampler steps: a sampler weighs its step count (for
 * `KSamplerAdvanced`, only the steps between `start_at_step` and `end_at_step`); other classes weigh what
 * `weights` (then {@link NODE_WEIGHTS}) says, or {@link DEFAULT_NODE_WEIGHT}. Never negative, never NaN.
 *
 * @example
 * ```ts
 * estimateNodeWeight({ class_type: 'KSampler', inputs: { steps: 30 } }) // 30
 * estimateNodeWeight({ class_type: 'SaveImage', inputs: {} }) // 1
 * estimateNodeWeight({ class_type: 'MyNode' }, { MyNode: 8 }) // 8
 * ```
 */
export function estimateNodeWeight(
  node: ComfyWorkflowNode,
  weights: Readonly<Record<string, number>> = NODE_WEIGHTS,
): number {
  const classType = node.class_type
  const override = Object.hasOwn(weights, classType) ? weights[classType] : undefined
  if (override !== undefined && Number.isFinite(override) && override >= 0) return override
  if (STEP_SAMPLERS.has(classType)) return samplerSteps(node.inputs ?? {})
  if (SIGMA_SAMPLERS.has(classType)) return DEFAULT_SAMPLER_STEPS
  const listed = Object.hasOwn(NODE_WEIGHTS, classType) ? NODE_WEIGHTS[classType] : undefined
  return listed ?? DEFAULT_NODE_WEIGHT
}

function samplerSteps(inputs: Readonly<Record<string, unknown>>): number {
  const steps = positiveInteger(inputs.steps) ?? DEFAULT_SAMPLER_STEPS
  const start = positiveInteger(inputs.start_at_step) ?? 0
  const end = Math.min(steps, positiveInteger(inputs.end_at_step) ?? steps)
  return Math.max(1, end - start)
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined
}
