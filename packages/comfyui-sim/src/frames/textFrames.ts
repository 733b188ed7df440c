import type { ComfyNodeOutput } from '@comfy-progress/core'
import { PyFloat } from '../internal/pythonJson.js'

/**
 * Builders for the text frames ComfyUI sends, with the fields in the order the real server writes
 * them (see `fixtures/comfyui/README.md`, "Protocol observations"). A frame is `{type, data}`; the
 * WebSocket hub serialises it the way Python's `json.dumps` does.
 *
 * @module
 */

/** A text frame before serialisation. */
export interface TextFrame {
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
}

/** `status`; `sid` only in the frame sent on connect. */
export function statusFrame(queueRemaining: number, sid?: string): TextFrame {
  const data: Record<string, unknown> = { status: { exec_info: { queue_remaining: queueRemaining } } }
  if (sid !== undefined) data.sid = sid
  return { type: 'status', data }
}

/** `executing` for a node start (`{node, display_node, prompt_id}`). */
export function executingFrame(node: string, promptId: string): TextFrame {
  return { type: 'executing', data: { node, display_node: node, prompt_id: promptId } }
}

/** `executing {node: null, prompt_id}`: the last frame of every prompt. */
export function executingDoneFrame(promptId: string): TextFrame {
  return { type: 'executing', data: { node: null, prompt_id: promptId } }
}

/** `executing {node}`: the replay a reconnecting submitter gets (display id, no prompt id). */
export function executingReplayFrame(node: string): TextFrame {
  return { type: 'executing', data: { node } }
}

/** `progress`: one step of a node's progress bar. */
export function progressFrame(step: {
  value: number
  max: number
  promptId: string
  node: string
}): TextFrame {
  return {
    type: 'progress',
    data: { value: step.value, max: step.max, prompt_id: step.promptId, node: step.node },
  }
}

/** `executed`: an output node's UI output (`null` for a cached node that had none). */
export function executedFrame(node: string, output: ComfyNodeOutput | null, promptId: string): TextFrame {
  return { type: 'executed', data: { node, display_node: node, output, prompt_id: promptId } }
}

/** The `feature_flags` the server answers a client's handshake with (and serves at `GET /features`). */
export function serverFeatureFlags(maxUploadSize: number): Record<string, unknown> {
  return { supports_preview_metadata: true, max_upload_size: maxUploadSize }
}

/** One node's entry in a `progress_state` snapshot. */
export interface NodeProgress {
  value: number | PyFloat
  max: number | PyFloat
  state: 'running' | 'finished'
}

/** `progress_state`: the snapshot of every started node of the prompt, in start order. */
export function progressStateFrame(promptId: string, nodes: ReadonlyMap<string, NodeProgress>): TextFrame {
  const entries: Record<string, unknown> = {}
  for (const [id, progress] of nodes) {
    entries[id] = {
      value: progress.value,
      max: progress.max,
      state: progress.state,
      node_id: id,
      prompt_id: promptId,
      display_node_id: id,
      parent_node_id: null,
      real_node_id: id,
    }
  }
  return { type: 'progress_state', data: { prompt_id: promptId, nodes: entries } }
}

/** `0.0` and `1.0` as Python floats: what a node that reports no progress shows. */
export const FLOAT_ZERO = new PyFloat(0)
/** See {@link FLOAT_ZERO}. */
export const FLOAT_ONE = new PyFloat(1)
