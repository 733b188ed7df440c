/**
 * The API-format prompt ComfyUI's `POST /prompt` takes, and the error bodies it answers with. Shapes
 * as recorded in `fixtures/comfyui/04-validation-error.jsonl`.
 *
 * @module
 */

/** One node of an API-format prompt. A link input is `[sourceNodeId, outputIndex]`. */
export interface ApiPromptNode {
  readonly class_type: string
  readonly inputs: Record<string, unknown>
  readonly _meta?: { readonly title?: string }
}

/** An API-format prompt: node id → node. */
export type ApiPrompt = Record<string, ApiPromptNode>

/** One error in ComfyUI's validation answer (`error`, or an entry of `node_errors[id].errors`). */
export interface ComfyErrorItem {
  readonly type: string
  readonly message: string
  readonly details: string
  readonly extra_info: Readonly<Record<string, unknown>>
}

/** `node_errors[id]` of a validation answer. */
export interface ComfyNodeErrors {
  readonly errors: readonly ComfyErrorItem[]
  readonly dependent_outputs: string[]
  readonly class_type: string
}

/** The body of a `POST /prompt` answer with status 400. */
export interface ComfyValidationErrorBody {
  readonly error: ComfyErrorItem
  readonly node_errors: Readonly<Record<string, ComfyNodeErrors>>
}

/** Whether an input value is a link (`[nodeId, slot]`); ComfyUI treats every list as one. */
export function isLink(value: unknown): value is readonly unknown[] {
  return Array.isArray(value)
}
