import { ComfyProgressError, computeBackoffDelay, parseTaskEvent, type TaskEvent } from '@comfy-progress/core'
import { errorOfEvent, knownCode } from './errorOfEvent.js'
import { isGone, probeStatus } from './probeStatus.js'
import { formatCursor, readSeq } from './streamCursor.js'
import type { TaskCallbacks } from './TaskCallbacks.js'
import type { ConnectionInfo, WebhookManagerEvents } from './WebhookManagerEvents.js'
import type { EventSourceLike, WebhookManagerOptions, WebhookManagerTimers } from './WebhookManagerOptions.js'

/** One subscription: a box around the app's callbacks, so that each `subscribe` is its own. */
interface Listener {
  readonly callbacks: TaskCallbacks
}

/** One followed task: its listeners and how far the stream has brought it. */
interface TaskEntry {
  readonly listeners: Set<Listener>
  /** Sequence number of the last event delivered; 0 before the first. The resume cursor is built from it. */
  seq: number
}

/** The SSE event names the server uses: one per status. */
const EVENT_NAMES = ['queued', 'in-progress', 'completed', 'error', 'cancelled']
/** Task ids go into a URL and a cursor unescaped: base64url only, as the server makes them. */
const TASK_ID = /^[\w-]{1,128}$/
/** `EventSource.CLOSED`: the browser gave up (an HTTP error or a wrong content type), it will not retry. */
const CLOSED = 2

/**
 * Follows comfy-progress tasks in the browser over Server-Sent Events and hands each task's events to
 * its callbacks.
 *
 * - **One stream for every task** (`GET /progress?tasks=a,b,…`), so a page with many tasks stays far
 *   below the browser's six connections per host. Subscribing and unsubscribing re-plan the stream
 *   (changes in one tick are batched into one new stream), resuming from each task's last event.
 * - **Validated**: every message goes through core's `parseTaskEvent`; a malformed one reaches
 *   `onError` as `TASK_EVENT_INVALID`, never as an exception in the page.
 * - **Reconnection the native EventSource does not give**: after any failure the manager closes the
 *   EventSource and reconnects itself, after core's `computeBackoffDelay` (exponential, jittered), with
 *   the `lastEventId` query (EventSource cannot set headers) holding every task's position, and it
 *   drops any event at or before a position: nothing is missed or repeated. When the browser reports
 *   an HTTP failure (`readyState` CLOSED) the manager learns the status with one `fetch` of the same URL
 *   and gives up only on 404 (unknown task) and 410 (expired), per task.
 * - **SSR-safe**: nothing touches `window`, `document` or `EventSource` until a subscription opens a
 *   stream; everything environmental can be injected (see {@link WebhookManagerOptions}).
 *
 * @example
 * ```ts
 * const manager = new WebhookManager({ baseUrl: '/api' })
 * const stop = manager.subscribe(taskId, {
 *   onProgress: (event) => console.log(event.progress.percentage, event.progress.currentStep),
 *   onComplete: (event) => show(event.result.imageUrl),
 *   onError: (error) => console.error(error.code, error.message),
 * })
 * manager.on('state', ({ state }) => console.log('stream', state))
 * ```
 */
export class WebhookManager {
  readonly #options: WebhookManagerOptions
  /** The followed tasks (the design document's `activeConnections`), in subscription order. */
  readonly #tasks = new Map<string, TaskEntry>()
  readonly #stateListeners = new Set<(info: ConnectionInfo) => void>()
  #connection: ConnectionInfo = { state: 'idle', attempt: 0 }
  #source: EventSourceLike | null = null
  #timer: unknown = undefined
  /** Bumped whenever the stream is replaced or stopped; late callbacks of an older one compare and return. */
  #generation = 0
  #attempt = 0
  #planned = false
  #reopen = false

  constructor(options: WebhookManagerOptions = {}) {
    this.#options = options
  }

  /** The stream's current connection state. */
  get connection(): ConnectionInfo {
    return this.#connection
  }

  /**
   * Follows a task. The stream opens (or is re-planned to include the task) at the end of the current
   * tick; the first event is the task's current state. A second subscription to a task already followed
   * receives its events from the next one on. Callbacks are never called synchronously.
   *
   * @returns A function that ends this subscription only (other subscriptions to the task go on).
   */
  subscribe(taskId: string, callbacks: TaskCallbacks): () => void {
    if (!TASK_ID.test(taskId)) {
      const error = new ComfyProgressError('INVALID_TASK_IDS', undefined, { details: { taskId } })
      queueMicrotask(() => callbacks.onError?.(error))
      return () => undefined
    }
    // Boxed, so that the same callbacks object subscribed twice makes two independent subscriptions;
    // the callbacks are still called as its methods (class instances keep their `this`).
    const listener: Listener = { callbacks }
    let entry = this.#tasks.get(taskId)
    if (!entry) {
      entry = { listeners: new Set(), seq: 0 }
      this.#tasks.set(taskId, entry)
      this.#schedule(true)
    }
    const joined = entry
    joined.listeners.add(listener)
    return () => {
      if (joined.listeners.delete(listener) && joined.listeners.size === 0) this.#forget(taskId, joined)
    }
  }

  /** Stops following a task: every subscription to it ends, and the stream is re-planned (or closed). */
  unsubscribe(taskId: string): void {
    const entry = this.#tasks.get(taskId)
    if (!entry) return
    entry.listeners.clear()
    this.#forget(taskId, entry)
  }

  /**
   * Listens to the manager's events; today only `state`, the stream's {@link ConnectionInfo}.
   *
   * @returns A function that removes this listener.
   */
  on<TType extends keyof WebhookManagerEvents>(
    type: TType,
    listener: (event: WebhookManagerEvents[TType]) => void,
  ): () => void {
    this.#stateListeners.add(listener)
    return () => void this.#stateListeners.delete(listener)
  }

  /** Routes a validated event of a followed task to its callbacks; a terminal event ends the task. */
  private _handleMessage(taskId: string, event: TaskEvent): void {
    const entry = this.#tasks.get(taskId)
    if (!entry) return
    switch (event.status) {
      case 'queued':
      case 'in-progress':
        this.#emit(entry, (listener) => listener.onProgress?.(event))
        return
      case 'completed':
        this._cleanup(taskId)
        this.#emit(entry, (listener) => listener.onComplete?.(event))
        return
      case 'error':
      case 'cancelled': {
        this._cleanup(taskId)
        const error = errorOfEvent(event)
        this.#emit(entry, (listener) => listener.onError?.(error, event))
      }
    }
  }

  /** Reports an error to a task's callbacks; every code but `TASK_EVENT_INVALID` ends the task. */
  private _handleError(taskId: string, error: ComfyProgressError): void {
    const entry = this.#tasks.get(taskId)
    if (!entry) return
    if (error.code !== 'TASK_EVENT_INVALID') this._cleanup(taskId)
    this.#emit(entry, (listener) => listener.onError?.(error))
  }

  /** Forgets a finished task. The stream is not re-planned for it (the server sends it nothing more), only closed when no task is left. */
  private _cleanup(taskId: string): void {
    this.#tasks.delete(taskId)
    this.#schedule(false)
  }

  #forget(taskId: string, entry: TaskEntry): void {
    if (this.#tasks.get(taskId) !== entry) return
    this.#tasks.delete(taskId)
    this.#schedule(true)
  }

  /** Plans the stream at the end of the tick, so that many (un)subscriptions make one new stream. */
  #schedule(reopen: boolean): void {
    this.#reopen ||= reopen
    if (this.#planned) return
    this.#planned = true
    queueMicrotask(() => {
      this.#planned = false
      if (this.#tasks.size === 0) {
        this.#stop()
        this.#attempt = 0
        if (this.#connection.state !== 'given-up') this.#setState({ state: 'idle', attempt: 0 })
      } else if (this.#reopen || (this.#source === null && this.#timer === undefined)) {
        this.#connect()
      }
      this.#reopen = false
    })
  }

  #connect(): void {
    this.#stop()
    const generation = this.#generation
    const taskIds = [...this.#tasks.keys()]
    const EventSourceImpl = this.#options.EventSource ?? globalThis.EventSource
    if (!EventSourceImpl) {
      this.#giveUp(taskIds, new ComfyProgressError('EVENT_SOURCE_UNAVAILABLE'))
      return
    }
    const url = this.#url(taskIds)
    const source = new EventSourceImpl(url, { withCredentials: this.#options.withCredentials })
    this.#source = source
    const { state } = this.#connection
    if (state === 'idle' || state === 'given-up') this.#setState({ state: 'connecting', attempt: 0 })
    source.addEventListener('open', () => {
      if (generation !== this.#generation) return
      this.#attempt = 0
      this.#setState({ state: 'connected', attempt: 0 })
    })
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        if (generation !== this.#generation) return
        // A server's `event: error` message and the EventSource's own error event share a name.
        if (typeof (event as MessageEvent).data === 'string') this.#receive(event as MessageEvent<string>)
        else if (name === 'error') this.#fail(source, taskIds, url)
      })
    }
  }

  #receive(message: MessageEvent<string>): void {
    const parsed = parseTaskEvent(message.data)
    if (!parsed.ok) {
      // Route to the task the message names if it can be read, else to every task of the stream.
      const named = /"taskId":"([\w-]+)"/.exec(message.data)?.[1]
      const taskIds = named !== undefined && this.#tasks.has(named) ? [named] : [...this.#tasks.keys()]
      for (const taskId of taskIds) this._handleError(taskId, parsed.error)
      return
    }
    const { event } = parsed
    const entry = this.#tasks.get(event.taskId)
    if (!entry) return
    const seq = readSeq(message.lastEventId, event.taskId)
    if (seq !== undefined) {
      if (seq <= entry.seq) return
      entry.seq = seq
    }
    this._handleMessage(event.taskId, event)
  }

  #fail(source: EventSourceLike, taskIds: readonly string[], url: string): void {
    const httpFailure = source.readyState === CLOSED
    source.close()
    this.#source = null
    if (httpFailure) void this.#probe(taskIds, url)
    else this.#retry(0)
  }

  /**
   * EventSource hides the HTTP status of a failed connection: ask the same URL with `fetch`. On 404 or
   * 410, ask each task alone (the answer does not name the task) to learn which ones are gone; give up
   * on those, go on with the rest. Anything else (5xx, 429, a wrong content type, no answer) is retried.
   */
  async #probe(taskIds: readonly string[], url: string): Promise<void> {
    const generation = this.#generation
    const answer = await probeStatus(url, this.#options)
    if (generation !== this.#generation) return
    if (!isGone(answer.status)) return this.#retry(answer.status)
    const answers = await Promise.all(taskIds.map((id) => probeStatus(this.#url([id]), this.#options)))
    if (generation !== this.#generation) return
    const gone = taskIds.filter((_, index) => isGone(answers[index]!.status))
    if (gone.length === 0) return this.#retry(answer.status)
    for (const taskId of gone) {
      const { status, code } = answers[taskIds.indexOf(taskId)]!
      const fallback = status === 410 ? 'TASK_EXPIRED' : 'TASK_NOT_FOUND'
      this.#giveUp(
        [taskId],
        new ComfyProgressError(knownCode(code, fallback), undefined, { details: { taskId, status } }),
      )
    }
  }

  #retry(status: number): void {
    const delayMs = computeBackoffDelay(this.#attempt++, {
      ...this.#options.backoff,
      random: this.#options.random,
    })
    this.#timer = this.#timers().setTimeout(() => {
      this.#timer = undefined
      this.#connect()
    }, delayMs)
    const error = new ComfyProgressError('STREAM_INTERRUPTED', undefined, { details: { status } })
    this.#setState({ state: 'reconnecting', attempt: this.#attempt, delayMs, error })
  }

  #giveUp(taskIds: readonly string[], error: ComfyProgressError): void {
    this.#setState({ state: 'given-up', attempt: this.#attempt, error })
    for (const taskId of taskIds) this._handleError(taskId, error)
  }

  #stop(): void {
    this.#generation++
    this.#source?.close()
    this.#source = null
    this.#timers().clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** The stream's URL; ids, `:` and `,` need no escaping in a query (ids are checked by `TASK_ID`). */
  #url(taskIds: readonly string[]): string {
    const cursor = formatCursor(taskIds.map((id) => [id, this.#tasks.get(id)?.seq ?? 0] as const))
    const base = this.#options.baseUrl ?? ''
    return `${base}/progress?tasks=${taskIds.join(',')}${cursor && `&lastEventId=${cursor}`}`
  }

  #timers(): WebhookManagerTimers {
    return this.#options.timers ?? globalThis
  }

  #setState(info: ConnectionInfo): void {
    if (info.state === this.#connection.state && info.attempt === this.#connection.attempt) return
    this.#connection = info
    for (const listener of [...this.#stateListeners]) this.#call(() => listener(info))
  }

  /** Calls each listener still subscribed; one that throws does not stop the others. */
  #emit(entry: TaskEntry, call: (callbacks: TaskCallbacks) => void): void {
    for (const listener of [...entry.listeners]) {
      if (entry.listeners.has(listener)) this.#call(() => call(listener.callbacks))
    }
  }

  /** Runs app code; an exception is rethrown on a fresh stack (the page's error handler sees it) and stops nothing here. */
  #call(run: () => void): void {
    try {
      run()
    } catch (error) {
      this.#timers().setTimeout(() => {
        throw error
      }, 0)
    }
  }
}
