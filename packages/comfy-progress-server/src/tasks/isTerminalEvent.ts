import type { TaskEvent, TerminalTaskStatus } from '@comfy-progress/core'

const TERMINAL_STATUSES: ReadonlySet<string> = new Set<TerminalTaskStatus>([
  'completed',
  'error',
  'cancelled',
])

/**
 * Whether `event` ends its task: `completed`, `error` or `cancelled`. After such an event the task
 * never changes again, its SSE streams close and its expiry clock starts.
 */
export function isTerminalEvent(event: Pick<TaskEvent, 'status'>): boolean {
  return TERMINAL_STATUSES.has(event.status)
}
