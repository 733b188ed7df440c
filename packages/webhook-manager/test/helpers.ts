/**
 * Stand-ins for the browser's `EventSource` and `fetch`, for the manager's unit tests in Node (which
 * has neither an EventSource nor a DOM). The real ones are exercised in Chromium by
 * `test/browser/*.browser.test.ts`.
 */
import type { TaskEvent } from '@comfy-progress/core'
import type { EventSourceLike, ProbeFetch } from '../src/WebhookManagerOptions.js'

type Listener = (event: Event) => void

/** An EventSource driven by the test: `open()`, `send()`, `drop()`, `refuse()`. Every instance is kept. */
export class FakeEventSource implements EventSourceLike {
  static readonly instances: FakeEventSource[] = []
  readyState = 0
  readonly url: string
  readonly withCredentials: boolean
  readonly #listeners = new Map<string, Listener[]>()

  constructor(url: string, init?: { withCredentials?: boolean }) {
    this.url = url
    this.withCredentials = init?.withCredentials === true
    FakeEventSource.instances.push(this)
  }

  /** The newest instance. */
  static get last(): FakeEventSource {
    return FakeEventSource.instances.at(-1)!
  }

  /** Instances not closed by the manager. */
  static get open(): FakeEventSource[] {
    return FakeEventSource.instances.filter((source) => source.readyState !== 2)
  }

  static reset(): void {
    FakeEventSource.instances.length = 0
  }

  /** The `tasks` query of the URL, split. */
  get tasks(): string[] {
    return new URL(this.url, 'http://page.test').searchParams.get('tasks')!.split(',')
  }

  /** The `lastEventId` query of the URL, or null. */
  get lastEventId(): string | null {
    return new URL(this.url, 'http://page.test').searchParams.get('lastEventId')
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener])
  }

  close(): void {
    this.readyState = 2
  }

  open(): void {
    this.readyState = 1
    this.#dispatch('open', {})
  }

  /** A message: `event:` name (the status by default), raw `data` (an event is serialised) and `id`. */
  send(data: TaskEvent | string, id = '', name?: string): void {
    const text = typeof data === 'string' ? data : JSON.stringify(data)
    const type = name ?? (typeof data === 'string' ? 'message' : data.status)
    this.#dispatch(type, { data: text, lastEventId: id })
  }

  /** A network failure mid-stream: the browser would retry by itself (`readyState` CONNECTING). */
  drop(): void {
    this.readyState = 0
    this.#dispatch('error', {})
  }

  /** An HTTP failure (non-200, wrong content type): the browser gives up (`readyState` CLOSED). */
  refuse(): void {
    this.readyState = 2
    this.#dispatch('error', {})
  }

  #dispatch(type: string, fields: object): void {
    for (const listener of this.#listeners.get(type) ?? []) listener({ type, ...fields } as unknown as Event)
  }
}

/** A `fetch` that answers each URL with the status `answer(url)` gives (and a JSON error body for 4xx). */
export function fakeFetch(answer: (url: string) => number | { status: number; code: string }): ProbeFetch & {
  urls: string[]
} {
  const urls: string[] = []
  const fetch = (url: string) => {
    urls.push(url)
    const result = answer(url)
    const { status, code } = typeof result === 'number' ? { status: result, code: undefined } : result
    return Promise.resolve({
      status,
      json: () =>
        code === undefined
          ? Promise.reject(new SyntaxError('no body'))
          : Promise.resolve({ error: { code } }),
    })
  }
  return Object.assign(fetch, { urls })
}

/** A task id shaped like the server's (22 base64url characters). */
export function taskIdOf(n: number): string {
  return `task${String(n).padStart(18, '0')}`
}

const TIMESTAMP = '2025-11-25T12:34:56.789Z'

/** The seed's in-progress shape. */
export function inProgress(taskId: string, value: number, max = 20): TaskEvent {
  return {
    taskId,
    status: 'in-progress',
    progress: {
      percentage: Math.round((value / max) * 90),
      currentStep: 'Sampling image...',
      currentValue: value,
      maxValue: max,
    },
    timestamp: TIMESTAMP,
    eta: max - value,
  }
}

/** The seed's completed shape. */
export function completed(taskId: string): TaskEvent {
  return {
    taskId,
    status: 'completed',
    progress: { percentage: 100, currentStep: 'Complete', currentValue: 20, maxValue: 20 },
    result: { imageUrl: '/image/image_123.png', prompt: 'original prompt', seed: 12345 },
    timestamp: TIMESTAMP,
  }
}

/** The seed's error shape (with core's additive code). */
export function failed(taskId: string, code?: string): TaskEvent {
  return {
    taskId,
    status: 'error',
    progress: { percentage: 0, currentStep: 'Failed', currentValue: 0, maxValue: 0 },
    error: { message: 'Generation failed', details: 'Error details from ComfyUI', ...(code && { code }) },
    timestamp: TIMESTAMP,
  }
}

/** A cancelled event. */
export function cancelled(taskId: string): TaskEvent {
  return {
    taskId,
    status: 'cancelled',
    progress: { percentage: 40, currentStep: 'Cancelled', currentValue: 8, maxValue: 20 },
    timestamp: TIMESTAMP,
  }
}

/** Lets queued microtasks and promise chains run (setImmediate is not faked by the tests). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
