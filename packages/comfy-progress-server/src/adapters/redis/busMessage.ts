import { ComfyProgressError, type TaskEvent } from '@comfy-progress/core'
import type { StoredTaskEvent } from '../../store/TaskStore.js'
import { storedEvent } from './taskRecordCodec.js'

/**
 * The pub/sub message of one task event: `{"seq":n,"event":{…}}`. The task id is the channel's, so
 * it is not repeated.
 */
export function encodeBusMessage(entry: StoredTaskEvent): string {
  return `{"seq":${entry.seq},"event":${JSON.stringify(entry.event)}}`
}

/**
 * The entry carried by a pub/sub message of `taskId`'s channel, or a `REDIS_DATA_INVALID` error (never
 * thrown: a stranger's message on the channel must not break delivery).
 */
export function decodeBusMessage(taskId: string, message: string): StoredTaskEvent | ComfyProgressError {
  try {
    const parsed = JSON.parse(message) as { seq?: unknown; event?: Partial<TaskEvent> | null }
    const { seq, event } = parsed
    if (
      typeof seq === 'number' &&
      Number.isSafeInteger(seq) &&
      seq > 0 &&
      typeof event === 'object' &&
      event !== null &&
      event.taskId === taskId &&
      typeof event.status === 'string'
    ) {
      return storedEvent(taskId, seq, event as TaskEvent)
    }
  } catch {
    // Not JSON: answered below.
  }
  return new ComfyProgressError(
    'REDIS_DATA_INVALID',
    'comfy-progress: a message on a task channel is not a task event.',
    {
      details: { key: taskId },
    },
  )
}
