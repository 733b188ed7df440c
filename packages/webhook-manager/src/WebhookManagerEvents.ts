import type { ComfyProgressError } from '@comfy-progress/core'

/**
 * Where the manager's stream stands:
 * - `idle`: no task is followed, no stream is open;
 * - `connecting`: the first connection is being opened;
 * - `connected`: the stream is open;
 * - `reconnecting`: the stream failed; a new attempt comes after `delayMs`;
 * - `given-up`: the server answered that tasks are gone (404 unknown, 410 expired); those tasks got
 *   their `onError`. The manager goes on with any other task.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'given-up'

/** The stream's connection state, as {@link WebhookManager.connection} and the `state` event give it. */
export interface ConnectionInfo {
  readonly state: ConnectionState
  /** Failed attempts in a row; 0 once connected. */
  readonly attempt: number
  /** `reconnecting`: milliseconds until the next attempt. */
  readonly delayMs?: number
  /** `reconnecting` (`STREAM_INTERRUPTED`) and `given-up` (`TASK_NOT_FOUND`, `TASK_EXPIRED`, …): why. */
  readonly error?: ComfyProgressError
}

/** The events of {@link WebhookManager.on}, by name. */
export interface WebhookManagerEvents {
  /** The connection state changed. */
  readonly state: ConnectionInfo
}
