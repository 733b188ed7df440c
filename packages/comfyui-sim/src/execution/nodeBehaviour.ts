import type { FileStore } from '../storage/FileStore.js'
import { type ApiPrompt, isLink } from '../validation/ApiPrompt.js'
import { type ObjectInfo, listInputs } from '../validation/ObjectInfo.js'
import { numberOf, pyStr } from '../internal/pythonJson.js'

/**
 * What a node does when the simulator "runs" it: whether it reports sampler steps, the image size
 * it works on, and the text ComfyUI would print for its inputs in an `execution_error`.
 *
 * @module
 */

/** A prompt being executed, with what the behaviours need to look at. */
export interface NodeContext {
  readonly prompt: ApiPrompt
  readonly objectInfo: ObjectInfo
  readonly files: FileStore
}

/** The number of progress steps a node reports (a sampler's `steps`), or `undefined` for none. */
export function samplerSteps(context: NodeContext, nodeId: string): number | undefined {
  const node = context.prompt[nodeId]!
  const inputs = node.inputs
  const int = (name: string): number => Math.trunc(numberOf(inputs[name]))
  if (node.class_type === 'KSampler') return positive(int('steps'))
  if (node.class_type === 'KSamplerAdvanced') {
    const steps = int('steps')
    return positive(Math.min(int('end_at_step'), steps) - int('start_at_step'))
  }
  return undefined
}

function positive(value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/** The size and batch of the images or latents flowing into a node, traced upstream. */
export interface ImageShape {
  readonly width: number
  readonly height: number
  readonly batch: number
  /** Latent channels: 16 for SD3-style empty latents, 4 otherwise. */
  readonly channels: number
}

const IMAGE_FILE_LOADERS = new Set(['LoadImage', 'LoadImageMask', 'LoadImageOutput'])

/** Traces a node's inputs upstream (breadth first) for the first width/height and batch size. */
export function traceShape(context: NodeContext, nodeId: string): ImageShape {
  let width: number | undefined
  let height: number | undefined
  let batch: number | undefined
  let channels: number | undefined
  const seen = new Set<string>()
  const queue = [nodeId]
  while (queue.length > 0 && (width === undefined || batch === undefined || channels === undefined)) {
    const id = queue.shift()!
    if (seen.has(id) || !Object.hasOwn(context.prompt, id)) continue
    seen.add(id)
    const node = context.prompt[id]!
    const inputs = node.inputs
    if (node.class_type === 'EmptySD3LatentImage') channels ??= 16
    else if (/^Empty.*Latent/.test(node.class_type)) channels ??= 4
    if (
      width === undefined &&
      Number.isFinite(numberOf(inputs.width)) &&
      Number.isFinite(numberOf(inputs.height))
    ) {
      width = numberOf(inputs.width)
      height = numberOf(inputs.height)
    }
    if (width === undefined && IMAGE_FILE_LOADERS.has(node.class_type) && typeof inputs.image === 'string') {
      const size = pngSize(
        context.files.resolve(inputs.image, node.class_type === 'LoadImageOutput' ? 'output' : 'input'),
      )
      if (size) ({ width, height } = size)
    }
    if (batch === undefined && Number.isFinite(numberOf(inputs.batch_size)))
      batch = numberOf(inputs.batch_size)
    for (const value of Object.values(inputs))
      if (isLink(value) && typeof value[0] === 'string') queue.push(value[0])
  }
  return {
    width: width ?? 512,
    height: height ?? 512,
    batch: Math.max(1, batch ?? 1),
    channels: channels ?? 4,
  }
}

function pngSize(bytes: Buffer | undefined): { width: number; height: number } | undefined {
  if (!bytes || bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47) return undefined
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

const OBJECT_REPRS: Readonly<Record<string, string>> = {
  MODEL: '<comfy.model_patcher.ModelPatcher object at 0x7f6cf0b2e0c0>',
  CLIP: '<comfy.sd.CLIP object at 0x7f6cf0b2e180>',
  VAE: '<comfy.sd.VAE object at 0x7f6cf0b2deb0>',
  LATENT: "{'samples': tensor([[[[0., 0., 0.,  ..., 0., 0., 0.]]]])}",
  IMAGE: 'tensor([[[[0.5020, 0.5020, 0.5020]]]])',
  MASK: 'tensor([[[0., 0., 0.,  ..., 0., 0., 0.]]])',
  CONDITIONING:
    "[[tensor([[[-0.3885,  0.0229, -0.0523,  ...]]]), {'pooled_output': tensor([[-0.6567, ...]])}]]",
}

/** `current_inputs` of an `execution_error`: each declared input as a list of Python `str()` values. */
export function describeInputs(context: NodeContext, nodeId: string): Record<string, string[]> {
  const node = context.prompt[nodeId]!
  const info = context.objectInfo[node.class_type]
  const names = info ? listInputs(info).map((input) => input.name) : Object.keys(node.inputs)
  const described: Record<string, string[]> = {}
  for (const name of names) {
    if (!(name in node.inputs)) continue
    const value = node.inputs[name]
    if (isLink(value)) {
      const source = typeof value[0] === 'string' ? context.prompt[value[0]] : undefined
      const type = source ? context.objectInfo[source.class_type]?.output[numberOf(value[1])] : undefined
      described[name] = [OBJECT_REPRS[type ?? ''] ?? '<object object at 0x7f6cf0b2e200>']
    } else {
      described[name] = [pyStr(value)]
    }
  }
  return described
}
