import type { ComfyMessageType } from './ComfyMessage.js'

/** The text-frame types whose `data` this SDK models (everything else is `unknown`). */
export type ComfyTextMessageType = Exclude<
  ComfyMessageType,
  'unknown' | 'preview_image' | 'progress_text' | 'unknown_binary'
>

/** The first field of a frame's `data` that does not have its documented type. */
export interface ShapeProblem {
  /** Path inside `data`, e.g. `value` or `nodes["3"].state`. */
  readonly field: string
  readonly expected: string
  /** The JSON type found instead: `undefined` when missing, `null`, `array`, `object`, `string`, … */
  readonly received: string
}

type Data = Record<string, unknown>

interface Rule {
  readonly test: (value: unknown) => boolean
  readonly expected: string
}

const isString = (value: unknown): boolean => typeof value === 'string'
const isObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const aString: Rule = { test: isString, expected: 'a string' }
const aNumber: Rule = { test: (value) => typeof value === 'number', expected: 'a number' }
const aCount: Rule = {
  test: (value) => Number.isSafeInteger(value) && (value as number) >= 0,
  expected: 'a whole number, 0 or more',
}
const stringOrNull: Rule = {
  test: (value) => value === null || isString(value),
  expected: 'a string or null',
}
const optionalString: Rule = { test: (value) => value === undefined || isString(value), expected: 'a string' }
const optionalNumber: Rule = {
  test: (value) => value === undefined || typeof value === 'number',
  expected: 'a number',
}
const optionalStringOrNull: Rule = {
  test: (value) => value === undefined || value === null || isString(value),
  expected: 'a string or null',
}
const optionalBoolean: Rule = {
  test: (value) => value === undefined || typeof value === 'boolean',
  expected: 'a boolean',
}
const stringArray: Rule = {
  // Array.from visits holes (`every` skips them), so a sparse array fails here as in checkMessageData.
  test: (value) => Array.isArray(value) && Array.from(value as unknown[], isString).every(Boolean),
  expected: 'an array of strings',
}
const nodeState: Rule = {
  test: (value) => value === 'running' || value === 'finished' || value === 'pending' || value === 'error',
  expected: '"running", "finished", "pending" or "error"',
}

/**
 * Finds the first field of a text frame's `data` that does not have its documented type, for the
 * error message and `details`. This is the slow path, run only after `checkMessageData` has rejected
 * a frame; the rules are the same, written as a table that names each field and what it should be.
 */
export function explainShapeProblem(type: ComfyTextMessageType, data: Data): ShapeProblem | undefined {
  switch (type) {
    case 'status':
      return checkStatus(data) ?? check(data, 'sid', optionalString)
    case 'execution_start':
    case 'execution_success':
      return check(data, 'prompt_id', aString) ?? check(data, 'timestamp', optionalNumber)
    case 'execution_cached':
      return (
        check(data, 'nodes', stringArray) ??
        check(data, 'prompt_id', aString) ??
        check(data, 'timestamp', optionalNumber)
      )
    case 'executing':
      return (
        check(data, 'node', stringOrNull) ??
        check(data, 'display_node', optionalString) ??
        check(data, 'prompt_id', optionalString)
      )
    case 'progress':
      return (
        check(data, 'value', aNumber) ??
        check(data, 'max', aNumber) ??
        check(data, 'prompt_id', optionalStringOrNull) ??
        check(data, 'node', optionalStringOrNull)
      )
    case 'progress_state':
      return check(data, 'prompt_id', aString) ?? checkNodes(data)
    case 'executed':
      return (
        check(data, 'node', aString) ??
        check(data, 'display_node', optionalString) ??
        check(data, 'prompt_id', aString) ??
        checkOutput(data)
      )
    case 'execution_error':
      return (
        checkInterrupted(data) ??
        check(data, 'exception_message', aString) ??
        check(data, 'exception_type', aString) ??
        check(data, 'traceback', stringArray)
      )
    case 'execution_interrupted':
      return checkInterrupted(data)
    case 'feature_flags':
      return (
        check(data, 'supports_preview_metadata', optionalBoolean) ??
        check(data, 'max_upload_size', optionalNumber)
      )
  }
}

function check(data: Data, key: string, rule: Rule): ShapeProblem | undefined {
  const value = data[key]
  return rule.test(value) ? undefined : { field: key, expected: rule.expected, received: describe(value) }
}

function nested(prefix: string, problem: ShapeProblem | undefined): ShapeProblem | undefined {
  return problem && { ...problem, field: `${prefix}${problem.field}` }
}

/** `status.status` is `{exec_info: {queue_remaining}}`, or null/missing on some servers. */
function checkStatus(data: Data): ShapeProblem | undefined {
  const status = data.status
  if (status === undefined || status === null) return undefined
  if (!isObject(status)) return { field: 'status', expected: 'an object or null', received: describe(status) }
  const execInfo = (status as Data).exec_info
  if (!isObject(execInfo)) {
    return { field: 'status.exec_info', expected: 'an object', received: describe(execInfo) }
  }
  return nested('status.exec_info.', check(execInfo as Data, 'queue_remaining', aCount))
}

/** The fields `execution_error` shares with `execution_interrupted`. */
function checkInterrupted(data: Data): ShapeProblem | undefined {
  return (
    check(data, 'prompt_id', aString) ??
    check(data, 'node_id', aString) ??
    check(data, 'node_type', aString) ??
    check(data, 'executed', stringArray) ??
    check(data, 'timestamp', optionalNumber)
  )
}

function checkNodes(data: Data): ShapeProblem | undefined {
  const nodes = data.nodes
  if (!isObject(nodes)) return { field: 'nodes', expected: 'an object', received: describe(nodes) }
  for (const id of Object.keys(nodes as Data)) {
    const entry = (nodes as Data)[id]
    const prefix = `nodes[${JSON.stringify(id)}]`
    if (!isObject(entry)) return { field: prefix, expected: 'an object', received: describe(entry) }
    const node = entry as Data
    const problem =
      check(node, 'value', aNumber) ??
      check(node, 'max', aNumber) ??
      check(node, 'state', nodeState) ??
      check(node, 'node_id', aString) ??
      check(node, 'prompt_id', aString) ??
      check(node, 'display_node_id', aString) ??
      check(node, 'parent_node_id', stringOrNull) ??
      check(node, 'real_node_id', aString)
    if (problem !== undefined) return nested(`${prefix}.`, problem)
  }
  return undefined
}

/** `executed.output` is the node's UI dict or null; its `images`, if any, must be file references. */
function checkOutput(data: Data): ShapeProblem | undefined {
  const output = data.output
  if (output === null) return undefined
  if (!isObject(output)) return { field: 'output', expected: 'an object or null', received: describe(output) }
  const images = (output as Data).images
  if (images === undefined) return undefined
  if (!Array.isArray(images))
    return { field: 'output.images', expected: 'an array', received: describe(images) }
  for (let index = 0; index < images.length; index++) {
    const image: unknown = images[index]
    const prefix = `output.images[${index}]`
    if (!isObject(image)) return { field: prefix, expected: 'an object', received: describe(image) }
    const problem =
      check(image as Data, 'filename', aString) ??
      check(image as Data, 'subfolder', aString) ??
      check(image as Data, 'type', aString)
    if (problem !== undefined) return nested(`${prefix}.`, problem)
  }
  return undefined
}

/** A short name for the JSON type of a value: `undefined` (missing), `null`, `array`, `object`, `string`, … */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
