import { ComfyProgressError, type ComfyWorkflow } from '@comfy-progress/core'
import type { CreateTaskRequest } from '../tasks/TaskManagerOptions.js'

/** Limits of {@link parseGenerateBody}. */
export const generateBodyLimits = Object.freeze({
  maxNodes: 1000,
  maxPromptLength: 10_000,
  maxNameLength: 200,
})

/**
 * Validates the default `POST /generate` body and turns it into a task request:
 *
 * ```json
 * { "workflow": { "3": { "class_type": "KSampler", "inputs": { … } }, … },
 *   "workflowName": "txt2img", "prompt": "a cat", "result": { "seed": 42, "uid": 1732543210123 } }
 * ```
 *
 * `workflow` is required: an object of 1 to 1000 nodes, each with a non-empty `class_type` string
 * and, if present, an `inputs` object. `workflowName` and `prompt` are optional strings, `result` an
 * optional object of fields copied into the completed event. Throws `BODY_INVALID` naming the field.
 * `webhook` (`{url, events?, secret?}`) is passed on as it is: the TaskManager's webhook dispatcher
 * checks it, and refuses it unless the app enabled per-task webhooks.
 *
 * Apps that build the workflow on the server (the usual case: browsers should not post arbitrary
 * graphs to ComfyUI) pass their own `prepare` to the generate handler instead.
 */
export function parseGenerateBody(body: unknown): CreateTaskRequest {
  if (!isPlainObject(body)) throw invalid('body', 'must be a JSON object')
  const workflow = checkWorkflow(body.workflow)
  const workflowName = optionalString(body, 'workflowName', generateBodyLimits.maxNameLength)
  const prompt = optionalString(body, 'prompt', generateBodyLimits.maxPromptLength)
  if (body.result !== undefined && !isPlainObject(body.result)) throw invalid('result', 'must be an object')
  return {
    workflow,
    ...(workflowName === undefined ? {} : { workflowName }),
    ...(prompt === undefined ? {} : { prompt }),
    ...(body.result === undefined ? {} : { result: body.result }),
    // Checked by the TaskManager's webhook dispatcher (refused unless the app enables per-task webhooks).
    ...(body.webhook === undefined ? {} : { webhook: body.webhook as CreateTaskRequest['webhook'] }),
  }
}

/** Checks the shape of an API-format workflow (`POST /prompt`'s `prompt`); throws `BODY_INVALID`. */
export function checkWorkflow(value: unknown): ComfyWorkflow {
  if (!isPlainObject(value)) throw invalid('workflow', 'must be an object of nodes (ComfyUI API format)')
  const entries = Object.entries(value)
  if (entries.length === 0) throw invalid('workflow', 'has no nodes')
  if (entries.length > generateBodyLimits.maxNodes) {
    throw invalid('workflow', `has more than ${generateBodyLimits.maxNodes} nodes`)
  }
  for (const [id, node] of entries) {
    const field = `workflow.${id}`
    if (!isPlainObject(node)) throw invalid(field, 'must be a node object')
    if (typeof node.class_type !== 'string' || node.class_type === '') {
      throw invalid(`${field}.class_type`, 'must be a non-empty string')
    }
    if (node.inputs !== undefined && !isPlainObject(node.inputs))
      throw invalid(`${field}.inputs`, 'must be an object')
  }
  return value as ComfyWorkflow
}

function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalid(field, 'must be a string')
  if (value.length > max) throw invalid(field, `must be at most ${max} characters`)
  return value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function invalid(field: string, problem: string): ComfyProgressError {
  return new ComfyProgressError('BODY_INVALID', `comfy-progress: ${field} ${problem}.`, {
    details: { field: field.slice(0, 100) },
  })
}
