/**
 * The inputs of the progress model: a workflow in ComfyUI's API format (what `POST /prompt` takes as
 * `prompt`) and, optionally, the server's `GET /object_info`. Types only.
 *
 * @module
 */
import type { ComfyNodeId } from '../protocol/ComfyMessage.js'

/**
 * One node of an API-format workflow. An input is either a widget value or a link to another node's
 * output, written `[nodeId, outputIndex]`.
 */
export interface ComfyWorkflowNode {
  /** The node's class, e.g. `KSampler`. */
  readonly class_type: string
  readonly inputs?: Readonly<Record<string, unknown>>
  /** Editor metadata; `title` is the name the user gave the node, if any. */
  readonly _meta?: { readonly title?: string; readonly [key: string]: unknown }
}

/** A workflow in ComfyUI's API format: node id → node (`{"3": {"class_type": "KSampler", …}}`). */
export type ComfyWorkflow = Readonly<Record<ComfyNodeId, ComfyWorkflowNode>>

/** The parts of one `GET /object_info` entry the progress model reads. */
export interface ComfyNodeInfo {
  /** The human name the ComfyUI editor shows, e.g. `"VAE Decode"`. */
  readonly display_name?: string
  /** Whether the node is an output node (one ComfyUI executes for its own sake). */
  readonly output_node?: boolean
  readonly [key: string]: unknown
}

/** `GET /object_info`: class type → node description. */
export type ComfyObjectInfo = Readonly<Record<string, ComfyNodeInfo>>
