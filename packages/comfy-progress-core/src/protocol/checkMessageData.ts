import { type ComfyTextMessageType, explainShapeProblem, type ShapeProblem } from './explainShapeProblem.js'

/**
 * Checks the fields of a text frame's `data` that consumers rely on (discriminants, ids, numbers)
 * against `ComfyMessage.ts` and `comfyui-protocol.md`; extra fields are never looked at. Returns
 * `undefined` if the frame has its documented shape, else the first field that does not.
 *
 * This runs on every frame, so the check reads each field by name (one object shape per property
 * access, which engines optimise well) and allocates nothing; only a rejected frame goes through
 * {@link explainShapeProblem} to name the field.
 */
export function checkMessageData(type: ComfyTextMessageType, data: Data): ShapeProblem | undefined {
  return hasDocumentedShape(type, data)
    ? undefined
    : (explainShapeProblem(type, data) ?? {
        field: '(data)',
        expected: 'its documented shape',
        received: 'object',
      })
}

type Data = Record<string, unknown>

function hasDocumentedShape(type: ComfyTextMessageType, data: Data): boolean {
  switch (type) {
    case 'status':
      return isStatus(data.status) && optionalString(data.sid)
    case 'execution_start':
    case 'execution_success':
      return typeof data.prompt_id === 'string' && optionalNumber(data.timestamp)
    case 'execution_cached':
      return isStringArray(data.nodes) && typeof data.prompt_id === 'string' && optionalNumber(data.timestamp)
    case 'executing':
      return stringOrNull(data.node) && optionalString(data.display_node) && optionalString(data.prompt_id)
    case 'progress':
      return (
        typeof data.value === 'number' &&
        typeof data.max === 'number' &&
        (data.prompt_id === undefined || stringOrNull(data.prompt_id)) &&
        (data.node === undefined || stringOrNull(data.node))
      )
    case 'progress_state':
      return typeof data.prompt_id === 'string' && areNodeStates(data.nodes)
    case 'executed':
      return (
        typeof data.node === 'string' &&
        optionalString(data.display_node) &&
        typeof data.prompt_id === 'string' &&
        isOutput(data.output)
      )
    case 'execution_error':
      return (
        isInterrupted(data) &&
        typeof data.exception_message === 'string' &&
        typeof data.exception_type === 'string' &&
        isStringArray(data.traceback)
      )
    case 'execution_interrupted':
      return isInterrupted(data)
    case 'feature_flags':
      return (
        (data.supports_preview_metadata === undefined ||
          typeof data.supports_preview_metadata === 'boolean') &&
        optionalNumber(data.max_upload_size)
      )
  }
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string'
}

/** A queue length: a whole number, 0 or more (a negative, fractional or infinite one would mislead). */
function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function optionalNumber(value: unknown): boolean {
  return value === undefined || typeof value === 'number'
}

function stringOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string'
}

function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false
  for (let index = 0; index < value.length; index++) {
    if (typeof value[index] !== 'string') return false
  }
  return true
}

function isStatus(status: unknown): boolean {
  if (status === undefined || status === null) return true
  if (!isObject(status)) return false
  const execInfo = status.exec_info
  return isObject(execInfo) && isCount(execInfo.queue_remaining)
}

function isInterrupted(data: Data): boolean {
  return (
    typeof data.prompt_id === 'string' &&
    typeof data.node_id === 'string' &&
    typeof data.node_type === 'string' &&
    isStringArray(data.executed) &&
    optionalNumber(data.timestamp)
  )
}

function areNodeStates(nodes: unknown): boolean {
  if (!isObject(nodes)) return false
  // Object.values, not keys: node ids like "4" are array indices, and naming them costs a string each.
  const entries = Object.values(nodes)
  for (let index = 0; index < entries.length; index++) {
    const node = entries[index]
    if (!isObject(node)) return false
    const state = node.state
    if (
      typeof node.value !== 'number' ||
      typeof node.max !== 'number' ||
      (state !== 'running' && state !== 'finished' && state !== 'pending' && state !== 'error') ||
      typeof node.node_id !== 'string' ||
      typeof node.prompt_id !== 'string' ||
      typeof node.display_node_id !== 'string' ||
      !stringOrNull(node.parent_node_id) ||
      typeof node.real_node_id !== 'string'
    ) {
      return false
    }
  }
  return true
}

function isOutput(output: unknown): boolean {
  if (output === null) return true
  if (!isObject(output)) return false
  const images = output.images
  if (images === undefined) return true
  if (!Array.isArray(images)) return false
  for (let index = 0; index < images.length; index++) {
    const image: unknown = images[index]
    if (
      !isObject(image) ||
      typeof image.filename !== 'string' ||
      typeof image.subfolder !== 'string' ||
      typeof image.type !== 'string'
    ) {
      return false
    }
  }
  return true
}
