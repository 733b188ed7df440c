/**
 * The page of the banner's browser tests. `window.bannerHarness` mounts banners (one, or a stack of
 * several) fed either by a real WebhookManager (against the test site's SSE route) or by a fake source
 * the test drives, and records what the banner hands to the app (onComplete, onError, onDismiss).
 */
import type { TaskEvent } from '@comfy-progress/core'
import {
  ConnectionStatus,
  type ProgressBannerProps,
  type ProgressCallbacks,
  type ProgressError,
  type ProgressSource,
  ProgressBanner,
} from '@comfy-progress/progress-banner'
import { WebhookManager } from '@comfy-progress/webhook-manager'
import { render } from 'preact'

/** A source the test drives: it records subscriptions and delivers what the test tells it to. */
class FakeSource implements ProgressSource {
  readonly subscriptions = new Map<string, Set<ProgressCallbacks>>()
  readonly history: string[] = []

  subscribe(taskId: string, callbacks: ProgressCallbacks): () => void {
    this.history.push(`subscribe ${taskId}`)
    const set = this.subscriptions.get(taskId) ?? new Set()
    set.add(callbacks)
    this.subscriptions.set(taskId, set)
    return () => {
      this.history.push(`unsubscribe ${taskId}`)
      set.delete(callbacks)
      if (set.size === 0) this.subscriptions.delete(taskId)
    }
  }

  /** Delivers an event as the manager would: by status. */
  emit(event: TaskEvent): void {
    for (const callbacks of this.subscriptions.get(event.taskId) ?? []) {
      switch (event.status) {
        case 'queued':
        case 'in-progress':
          callbacks.onProgress?.(event)
          break
        case 'completed':
          callbacks.onComplete?.(event)
          break
        case 'error':
          callbacks.onError?.(
            { code: event.error.code ?? 'COMFY_EXECUTION_FAILED', message: event.error.message },
            event,
          )
          break
        case 'cancelled':
          callbacks.onError?.(
            { code: 'TASK_CANCELLED', message: 'comfy-progress: The task was cancelled.' },
            event,
          )
      }
    }
  }

  /** Delivers an error without an event (404, 410, a malformed message). */
  fail(taskId: string, error: ProgressError): void {
    for (const callbacks of this.subscriptions.get(taskId) ?? []) callbacks.onError?.(error)
  }
}

/** What the banners received from the manager, in order: a comparable line per callback (`taskId status …`). */
const received: string[] = []

/** The manager as the banner sees it, with every callback it receives written to `received`. */
function recorded(source: ProgressSource): ProgressSource {
  const line = (event: TaskEvent) => {
    const { percentage, currentStep, currentValue, maxValue } = event.progress
    return `${event.taskId} ${event.status} ${percentage}% ${currentStep} ${currentValue}/${maxValue} @${event.timestamp}`
  }
  return {
    subscribe: (taskId, callbacks) =>
      source.subscribe(taskId, {
        onProgress: (event) => {
          received.push(line(event))
          callbacks.onProgress?.(event)
        },
        onComplete: (event) => {
          received.push(line(event))
          callbacks.onComplete?.(event)
        },
        onError: (error, event) => {
          received.push(event ? line(event) : `${taskId} error ${error.code}`)
          callbacks.onError?.(error, event)
        },
      }),
  }
}

export interface AppCall {
  readonly kind: 'complete' | 'error' | 'dismiss'
  readonly taskId: string
  readonly value?: unknown
}

type MountOptions = Omit<
  ProgressBannerProps,
  'webhookManager' | 'taskId' | 'onComplete' | 'onError' | 'onDismiss'
>

export interface BannerHarness {
  readonly fake: FakeSource
  readonly manager: WebhookManager
  readonly calls: AppCall[]
  /** Every callback the banners received from the manager (not the fake), in order. */
  readonly received: string[]
  readonly pageErrors: string[]
  /** `POST {api}/generate` as an app does; resolves with the task id. */
  generate(body: unknown): Promise<string>
  /** Fetches a URL of the app; resolves with its status and content type. */
  head(url: string): Promise<{ status: number; type: string | null }>
  /** Renders banners for `taskIds` (stacked when several) and the connection indicator. */
  mount(taskIds: readonly string[], options?: MountOptions & { source?: 'fake' | 'manager' }): void
  unmount(): void
}

declare global {
  interface Window {
    bannerHarness: BannerHarness
  }
}

const app = document.getElementById('app')!
const fake = new FakeSource()
/** `?api=/api`: the page talks to an app mounted under that prefix (the real pipeline), else to `/progress`. */
const baseUrl = new URLSearchParams(location.search).get('api') ?? ''
const manager = new WebhookManager({ baseUrl, backoff: { initialDelayMs: 50, maxDelayMs: 400 } })
const watchedManager = recorded(manager)
const calls: AppCall[] = []
const pageErrors: string[] = []
window.addEventListener('error', (event) => void pageErrors.push(String(event.message)))
window.addEventListener('unhandledrejection', (event) => void pageErrors.push(String(event.reason)))

window.bannerHarness = {
  fake,
  manager,
  calls,
  received,
  pageErrors,
  async generate(body) {
    const response = await fetch(`${baseUrl}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const answer = (await response.json()) as { taskId: string }
    return answer.taskId
  },
  async head(url) {
    const response = await fetch(url)
    await response.arrayBuffer()
    return { status: response.status, type: response.headers.get('content-type') }
  },
  mount(taskIds, { source = 'fake', ...options } = {}) {
    const webhookManager = source === 'fake' ? fake : watchedManager
    const banners = taskIds.map((taskId) => (
      <ProgressBanner
        key={taskIds.length > 1 ? taskId : undefined}
        taskId={taskId}
        webhookManager={webhookManager}
        onComplete={(result) => void calls.push({ kind: 'complete', taskId, value: result })}
        onError={(error, event) =>
          void calls.push({ kind: 'error', taskId, value: { code: error.code, status: event?.status } })
        }
        onDismiss={(id) => void calls.push({ kind: 'dismiss', taskId: id })}
        {...options}
      />
    ))
    render(
      <>
        {taskIds.length === 1 ? banners : <div class="stack">{banners}</div>}
        <footer class="status-bar">
          <ConnectionStatus source={manager} />
        </footer>
      </>,
      app,
    )
  },
  unmount() {
    render(null, app)
  },
}
