/**
 * The page of the WebhookManager browser tests: a WebhookManager with short backoff delays, driven by
 * the tests through `window.harness`, recording every callback, state change and page error.
 */
import type { TaskEvent } from '@comfy-progress/core'
import { WebhookManager } from '@comfy-progress/webhook-manager'

export interface HarnessEntry {
  readonly taskId: string
  readonly kind: 'progress' | 'complete' | 'error'
  readonly code?: string
  readonly event?: TaskEvent
}

export interface HarnessState {
  readonly state: string
  readonly attempt: number
  readonly code?: string
  readonly details?: unknown
}

export interface Harness {
  subscribe(taskId: string): void
  unsubscribe(taskId: string): void
  readonly log: HarnessEntry[]
  readonly states: HarnessState[]
  readonly pageErrors: string[]
}

declare global {
  interface Window {
    harness: Harness
  }
}

const manager = new WebhookManager({ backoff: { initialDelayMs: 50, maxDelayMs: 400 } })
const log: HarnessEntry[] = []
const states: HarnessState[] = []
const pageErrors: string[] = []
window.addEventListener('error', (event) => void pageErrors.push(String(event.message)))
window.addEventListener('unhandledrejection', (event) => void pageErrors.push(String(event.reason)))
manager.on('state', (info) =>
  states.push({
    state: info.state,
    attempt: info.attempt,
    code: info.error?.code,
    details: info.error?.details,
  }),
)

window.harness = {
  subscribe(taskId) {
    manager.subscribe(taskId, {
      onProgress: (event) => void log.push({ taskId, kind: 'progress', event }),
      onComplete: (event) => void log.push({ taskId, kind: 'complete', event }),
      onError: (error, event) => void log.push({ taskId, kind: 'error', code: error.code, event }),
    })
  },
  unsubscribe: (taskId) => manager.unsubscribe(taskId),
  log,
  states,
  pageErrors,
}
