import {
  COMFYUI_ROOT,
  LOAD_IMAGE_TRACEBACK,
  NODE_CALL_TRACEBACK,
  VAE_DECODE_TRACEBACK,
} from '../data/tracebacks.js'
import type { FailNodeOptions } from '../faults/Faults.js'
import { sniffImageFormat } from '../images/sniffImage.js'
import { parseAnnotatedName } from '../storage/FileStore.js'
import { type NodeContext, traceShape } from './nodeBehaviour.js'

/**
 * Runtime errors: the two the real server produced in `fixtures/comfyui/05-runtime-error.jsonl`
 * (LoadImage of a file that is not an image; VAEDecode of a 16-channel SD3 latent with an SD1.5
 * VAE), detected from the workflow, plus failures injected with `sim.faults.failNode()`.
 *
 * @module
 */

/** An exception a node raises: the `exception_*` and `traceback` fields of `execution_error`. */
export interface NodeFailure {
  readonly exceptionType: string
  readonly exceptionMessage: string
  readonly traceback: readonly string[]
}

/** The error this node raises by itself when it runs, if any. */
export function builtinFailure(context: NodeContext, nodeId: string): NodeFailure | undefined {
  const node = context.prompt[nodeId]!
  const inputs = node.inputs
  if (
    (node.class_type === 'LoadImage' || node.class_type === 'LoadImageMask') &&
    typeof inputs.image === 'string'
  ) {
    const bytes = context.files.resolve(inputs.image)
    const path = `${COMFYUI_ROOT}/input/${parseAnnotatedName(inputs.image).name}`
    if (!bytes) {
      return {
        exceptionType: 'FileNotFoundError',
        exceptionMessage: `[Errno 2] No such file or directory: '${path}'\n`,
        traceback: LOAD_IMAGE_TRACEBACK.slice(0, -1),
      }
    }
    if (!sniffImageFormat(bytes)) {
      return {
        exceptionType: 'PIL.UnidentifiedImageError',
        exceptionMessage: `cannot identify image file '${path}'\n`,
        traceback: LOAD_IMAGE_TRACEBACK,
      }
    }
  }
  if (
    (node.class_type === 'VAEDecode' || node.class_type === 'VAEDecodeTiled') &&
    Array.isArray(inputs.samples)
  ) {
    const source: unknown = inputs.samples[0]
    const shape = typeof source === 'string' ? traceShape(context, source) : undefined
    if (shape && shape.channels !== 4) {
      const latent = `[${shape.batch}, ${shape.channels}, ${Math.floor(shape.height / 8)}, ${Math.floor(shape.width / 8)}]`
      return {
        exceptionType: 'RuntimeError',
        exceptionMessage: `Given groups=1, weight of size [4, 4, 1, 1], expected input${latent} to have 4 channels, but got ${shape.channels} channels instead\n`,
        traceback: VAE_DECODE_TRACEBACK,
      }
    }
  }
  return undefined
}

/** The failure an armed `failNode` fault makes a node raise. */
export function injectedFailure(options: FailNodeOptions, classType: string): NodeFailure {
  return {
    exceptionType: options.exceptionType ?? 'RuntimeError',
    exceptionMessage: options.exceptionMessage ?? 'Simulated failure (comfyui-sim fault injection)\n',
    traceback: [
      ...NODE_CALL_TRACEBACK,
      `  File "${COMFYUI_ROOT}/nodes.py", line 1, in ${classType}\n    raise ${options.exceptionType ?? 'RuntimeError'}(...)\n`,
    ],
  }
}
