import type {
  CancelledTaskEvent,
  CompletedTaskEvent,
  ErrorTaskEvent,
  InProgressTaskEvent,
  QueuedTaskEvent,
} from '@comfy-progress/core'

/** An error as the banner reads it: a code from comfy-progress's table and a message. `ComfyProgressError` fits. */
export interface ProgressError {
  readonly code: string
  readonly message: string
}

/** The callbacks the banner gives to {@link ProgressSource.subscribe}. */
export interface ProgressCallbacks {
  /** A `queued` or `in-progress` event. */
  onProgress?(event: QueuedTaskEvent | InProgressTaskEvent): void
  /** The `completed` event (final). */
  onComplete?(event: CompletedTaskEvent): void
  /** A failure, with the `error` or `cancelled` event when there is one; `TASK_EVENT_INVALID` is not final. */
  onError?(error: ProgressError, event?: ErrorTaskEvent | CancelledTaskEvent): void
}

/**
 * Where the banner gets a task's events: anything with `subscribe(taskId, callbacks) => unsubscribe`.
 * `WebhookManager` (and its `webhookManager` singleton) fits; so does a fake in tests.
 */
export interface ProgressSource {
  subscribe(taskId: string, callbacks: ProgressCallbacks): () => void
}

/** The connection states of `WebhookManager` (see its `ConnectionState`). */
export type ConnectionSourceState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'given-up'

/** A connection state with its details, as `WebhookManager.connection` gives it. */
export interface ConnectionSourceInfo {
  readonly state: ConnectionSourceState
  readonly attempt: number
  readonly delayMs?: number
  readonly error?: ProgressError
}

/** Where {@link ConnectionStatus} reads the connection state: `WebhookManager` fits. */
export interface ConnectionSource {
  readonly connection: ConnectionSourceInfo
  on(type: 'state', listener: (info: ConnectionSourceInfo) => void): () => void
}
