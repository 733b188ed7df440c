import type { ComfyMessage, ComfyNodeOutput } from '../protocol/ComfyMessage.js'
import { isExecutionBlocked } from '../protocol/isExecutionBlocked.js'
import { parseMessage } from '../protocol/parseMessage.js'
import type { ComfyHistoryEntry } from './httpTypes.js'
import type { PromptOutcome, PromptOutputs } from './PromptEvent.js'

/**
 * The outcome a live frame announces, or `null` if it is not terminal. Terminal frames (protocol
 * §3.4): `execution_success`, `execution_error` (except the non-fatal `ExecutionBlocked`),
 * `execution_interrupted`, and `executing {node: null, prompt_id}`, the only success signal on servers
 * older than 2024-07-21. Whichever comes first ends the prompt.
 */
export function liveOutcome(message: ComfyMessage, outputs: PromptOutputs): PromptOutcome | null {
  switch (message.type) {
    case 'execution_success':
      return { status: 'success', outputs, message, source: 'live' }
    case 'execution_error':
      return isExecutionBlocked(message) ? null : { status: 'error', outputs, message, source: 'live' }
    case 'execution_interrupted':
      return { status: 'interrupted', outputs, message, source: 'live' }
    case 'executing':
      return message.data.node === null && message.data.prompt_id !== undefined
        ? { status: 'success', outputs, message, source: 'live' }
        : null
    default:
      return null
  }
}

/**
 * The outcome a `/history/{id}` entry records (protocol §4.3): `status_str: "success"` is a success;
 * `"error"` is an interrupt when `status.messages` holds `execution_interrupted`, else an error. The
 * terminal message is rebuilt from `status.messages` through {@link parseMessage}. Entries without
 * `status` (servers before 2024-01-11) only exist for finished prompts and count as successes.
 *
 * @example
 * ```ts
 * const entry = await api.getHistory(promptId)
 * if (entry) console.log(outcomeFromHistory(entry).status) // 'success' | 'error' | 'interrupted'
 * ```
 */
export function outcomeFromHistory(entry: ComfyHistoryEntry): PromptOutcome {
  const outputs = entry.outputs
  const messages = entry.status?.messages ?? []
  const find = <TType extends string>(type: TType) => {
    for (const [name, data] of messages) {
      if (name !== type) continue
      const parsed = parseMessage(JSON.stringify({ type: name, data }))
      if (parsed.ok && parsed.message.type === type) return parsed.message
    }
    return null
  }
  const interrupted = find('execution_interrupted')
  if (interrupted?.type === 'execution_interrupted') {
    return { status: 'interrupted', outputs, message: interrupted, source: 'history' }
  }
  const failed = find('execution_error')
  if (entry.status?.status_str === 'error' || failed !== null) {
    return {
      status: 'error',
      outputs,
      message: failed?.type === 'execution_error' ? failed : null,
      source: 'history',
    }
  }
  const success = find('execution_success')
  return {
    status: 'success',
    outputs,
    message: success?.type === 'execution_success' ? success : null,
    source: 'history',
  }
}

/**
 * Adds a node's `executed` output to a prompt's outputs. A node that runs once per list item sends
 * several `executed` frames; like ComfyUI's history, their list values are concatenated.
 */
export function mergeOutput(
  outputs: Record<string, ComfyNodeOutput>,
  node: string,
  output: ComfyNodeOutput | null,
): void {
  if (output === null || typeof output !== 'object') return
  const previous = outputs[node]
  if (previous === undefined) {
    outputs[node] = output
    return
  }
  const merged: Record<string, unknown> = { ...previous }
  for (const [key, value] of Object.entries(output)) {
    const before = merged[key]
    merged[key] =
      Array.isArray(before) && Array.isArray(value)
        ? [...(before as unknown[]), ...(value as unknown[])]
        : value
  }
  outputs[node] = merged
}
