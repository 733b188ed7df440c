import type { ComfyExecutionErrorMessage, ComfyMessage } from './ComfyMessage.js'

/**
 * Whether `message` is the **non-fatal** `execution_error` that ComfyUI sends when a node's execution
 * was blocked (`exception_type: "ExecutionBlocked"`, e.g. by an `ExecutionBlocker` on an unused branch).
 * Execution goes on after it, so it must not end a task; every other `execution_error` is terminal.
 *
 * @example
 * ```ts
 * if (message.type === 'execution_error' && !isExecutionBlocked(message)) failTask(message.data)
 * ```
 */
export function isExecutionBlocked(message: ComfyMessage): message is ComfyExecutionErrorMessage {
  return message.type === 'execution_error' && message.data.exception_type === 'ExecutionBlocked'
}
