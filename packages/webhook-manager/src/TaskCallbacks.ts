import type {
  CancelledTaskEvent,
  ComfyProgressError,
  CompletedTaskEvent,
  ErrorTaskEvent,
  InProgressTaskEvent,
  QueuedTaskEvent,
} from '@comfy-progress/core'

/**
 * What {@link WebhookManager.subscribe} calls for one task. Every one is optional. A subscription ends
 * with exactly one of `onComplete` or a final `onError` (after which no callback comes), unless it is
 * unsubscribed first.
 */
export interface TaskCallbacks {
  /** A `queued` or `in-progress` event: percentage, step name, ETA, preview. */
  onProgress?(event: QueuedTaskEvent | InProgressTaskEvent): void
  /** The `completed` event; `event.result` holds the app's result (`imageUrl`, …). Final. */
  onComplete?(event: CompletedTaskEvent): void
  /**
   * A failure, with a code from core's table:
   * - `COMFY_EXECUTION_FAILED` (or the event's own `error.code`) with the `error` event: final;
   * - `TASK_CANCELLED` with the `cancelled` event: final;
   * - `TASK_NOT_FOUND` / `TASK_EXPIRED`: the server answered 404 / 410, the manager gave up: final;
   * - `INVALID_TASK_IDS`: the task id cannot be followed: final;
   * - `EVENT_SOURCE_UNAVAILABLE`: no EventSource here: final;
   * - `TASK_EVENT_INVALID`: one malformed message was skipped; the subscription goes on.
   */
  onError?(error: ComfyProgressError, event?: ErrorTaskEvent | CancelledTaskEvent): void
}
