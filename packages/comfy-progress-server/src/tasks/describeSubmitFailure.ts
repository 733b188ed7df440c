import {
  type ComfyProgressError,
  type ComfyValidationError,
  type ComfyValidationFailure,
  errorCodes,
} from '@comfy-progress/core'

/** Node errors named in the details, at most. */
const MAX_NODES = 5

/**
 * The `error.details` of a task whose workflow never ran: for a rejected workflow, ComfyUI's own
 * words per failing node (`KSampler (node 3): Value 0 smaller than min of 1: steps`); otherwise the
 * meaning of the error's code (`ComfyUI could not be reached…`). Never a stack or a URL.
 *
 * @example
 * ```ts
 * describeSubmitFailure(error) // 'Prompt outputs failed validation. CheckpointLoaderSimple (node 4): Value not in list: ckpt_name'
 * ```
 */
export function describeSubmitFailure(error: ComfyProgressError): string {
  if (error.code !== 'COMFY_VALIDATION_FAILED') return errorCodes[error.code]
  const failure = error.details as Partial<ComfyValidationFailure> | undefined
  const top = typeof failure?.error === 'string' ? failure.error : failure?.error?.message
  const nodes = Array.isArray(failure?.node_errors) ? [] : Object.entries(failure?.node_errors ?? {})
  const parts = nodes.slice(0, MAX_NODES).map(([nodeId, node]) => {
    const errors = (node.errors ?? []).map(describeValidationError).join('; ')
    return `${node.class_type} (node ${nodeId}): ${errors}`
  })
  if (nodes.length > MAX_NODES) parts.push(`and ${nodes.length - MAX_NODES} more nodes`)
  return [top ?? errorCodes.COMFY_VALIDATION_FAILED, ...parts].join(parts.length > 0 ? '. ' : '')
}

function describeValidationError(error: ComfyValidationError): string {
  return error.details ? `${error.message}: ${error.details}` : error.message
}
