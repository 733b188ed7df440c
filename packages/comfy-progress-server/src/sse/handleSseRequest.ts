import { ComfyProgressError, isComfyProgressError, toComfyProgressError } from '@comfy-progress/core'
import { errorResponse } from '../http/errorResponse.js'
import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import type { EventBus, Unsubscribe } from '../store/EventBus.js'
import type { StoredTaskEvent, TaskStore } from '../store/TaskStore.js'
import { isTaskId } from '../tasks/createTaskId.js'
import { isTerminalEvent } from '../tasks/isTerminalEvent.js'
import { resumeFromLastEventId, type StreamCursor } from './resumeFromLastEventId.js'
import { type SseEndReason, SseStream, type SseStreamOptions } from './SseStream.js'
import type { SubscriberLimiter } from './SubscriberLimiter.js'
import { parseRequestUrl } from '../http/parseRequestUrl.js'

/** What `onStreamEnd` is told about a stream that ended. */
export interface SseStreamEndInfo {
  readonly taskIds: readonly string[]
  readonly reason: SseEndReason
}

/** Everything {@link handleSseRequest} needs; built once by `createSseRequestHandler`. */
export interface SseRequestContext {
  readonly store: TaskStore
  readonly bus: EventBus
  readonly limiter: SubscriberLimiter
  readonly maxTasksPerStream: number
  readonly streamOptions: Omit<SseStreamOptions, 'taskIds' | 'idFormat' | 'resumeFrom' | 'onEnd'>
  readonly onStreamEnd?: (info: SseStreamEndInfo) => void
}

/** `…/progress/:taskId` or `…/progress`, at the end of the path, so the routes mount under any prefix. */
const PROGRESS_PATH = /\/progress(?:\/([^/]*))?\/?$/

/**
 * `GET /progress/:taskId` and `GET /progress?tasks=a,b,c`, framework-neutral.
 *
 * Order of work, so that nothing falls between the stored past and the live future: validate the
 * request (ids, count, cursor), take subscriber slots, subscribe to every task on the bus (buffering
 * what arrives), read each task's current state or the events after the client's cursor from the
 * store, queue those on the stream, then the buffered live events (the stream drops duplicates by
 * sequence number). Unknown tasks answer 404 `TASK_NOT_FOUND`, expired ones 410 `TASK_EXPIRED`, never
 * an SSE stream; a client that already holds every task's terminal event gets 204, which tells
 * EventSource to stop reconnecting.
 */
export async function handleSseRequest(
  request: NeutralRequest,
  context: SseRequestContext,
): Promise<NeutralResponse> {
  let subscription: StreamSubscription | undefined
  try {
    if (request.method !== 'GET') {
      throw new ComfyProgressError('METHOD_NOT_ALLOWED', undefined, { details: { allow: 'GET' } })
    }
    const url = parseRequestUrl(request.url)
    const { taskIds, single } = readTaskIds(url, context.maxTasksPerStream)
    const cursor = resumeFromLastEventId({
      header: request.headers.get('last-event-id'),
      query: url.searchParams.get('lastEventId'),
      taskIds,
    })
    subscription = new StreamSubscription(context, { taskIds, idFormat: single ? 'seq' : 'cursor', cursor })
    await subscription.subscribe()
    const pasts = await Promise.all(taskIds.map((taskId) => readPast(context.store, taskId, cursor)))
    subscription.catchUp(pasts.flatMap((past) => past.entries))
    // (A client that left meanwhile is noticed by the sink, which ends the stream at start.)
    if (pasts.every((past) => past.clientHasTerminal)) {
      subscription.close()
      return { kind: 'empty', status: 204, headers: { 'Cache-Control': 'no-store' } }
    }
    return { kind: 'sse', status: 200, headers: sseHeaders(request.httpVersion), stream: subscription.stream }
  } catch (error) {
    subscription?.close()
    return errorResponse(
      isComfyProgressError(error) ? error : toComfyProgressError(error, 'STORE_UNAVAILABLE'),
    )
  }
}

/**
 * What lives as long as one stream: its slots, its bus subscriptions and the stream. A class, so that
 * a connection holds a few fields rather than closures over the whole request's scope.
 */
class StreamSubscription {
  readonly stream: SseStream
  readonly #context: SseRequestContext
  readonly #taskIds: readonly string[]
  readonly #release: () => void
  readonly #unsubscribes: Unsubscribe[] = []
  /** Live events that arrive before the stored past is queued; then `null`, and events go straight through. */
  #buffered: StoredTaskEvent[] | null = []

  constructor(
    context: SseRequestContext,
    {
      taskIds,
      idFormat,
      cursor,
    }: { taskIds: readonly string[]; idFormat: 'seq' | 'cursor'; cursor: StreamCursor },
  ) {
    this.#context = context
    this.#taskIds = taskIds
    this.#release = context.limiter.acquire(taskIds)
    const shared = context.streamOptions
    // A literal with fixed keys (no spreads): every stream's options then share one hidden class, where
    // spreads made a new one per stream (about 250 bytes each).
    this.stream = new SseStream({
      taskIds,
      idFormat,
      resumeFrom: cursor.size === 0 ? undefined : cursor,
      onEnd: this.#onEnd,
      retryMs: shared.retryMs,
      heartbeat: shared.heartbeat,
      maxStallMs: shared.maxStallMs,
      coalesceAboveBytes: shared.coalesceAboveBytes,
      maxQueuedBytes: shared.maxQueuedBytes,
      timers: shared.timers,
    })
  }

  /** Subscribes to every task on the bus; rejects (after undoing what succeeded) if any fails. */
  async subscribe(): Promise<void> {
    const results = await Promise.allSettled(
      this.#taskIds.map((taskId) => this.#context.bus.subscribe(taskId, this.#listener)),
    )
    for (const result of results) if (result.status === 'fulfilled') this.#unsubscribes.push(result.value)
    const failure = results.find((result) => result.status === 'rejected')
    if (failure !== undefined) throw failure.reason
  }

  /** Queues the stored past, then what arrived live meanwhile (the stream drops duplicates by seq). */
  catchUp(past: readonly StoredTaskEvent[]): void {
    for (const entry of past) this.stream.push(entry)
    const buffered = this.#buffered ?? []
    this.#buffered = null
    for (const entry of buffered) this.stream.push(entry)
  }

  /** Gives back the slots and the subscriptions. Idempotent. */
  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe()
    this.#release()
  }

  readonly #listener = (entry: StoredTaskEvent): void => {
    if (this.#buffered === null) this.stream.push(entry)
    else this.#buffered.push(entry)
  }

  readonly #onEnd = (reason: SseEndReason): void => {
    this.close()
    this.#context.onStreamEnd?.({ taskIds: this.#taskIds, reason })
  }
}

/**
 * SSE response headers. `no-transform` keeps proxies from compressing (and so buffering) the stream,
 * `X-Accel-Buffering: no` does the same for nginx. `Connection` is an HTTP/1 header: HTTP/2 forbids it
 * (as it forbids `Transfer-Encoding`), so it is sent only when the request is known to be HTTP/1.x.
 */
function sseHeaders(httpVersion: number | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  }
  if (httpVersion === 1) headers.Connection = 'keep-alive'
  return headers
}

function readTaskIds(url: URL, max: number): { taskIds: string[]; single: boolean } {
  const match = PROGRESS_PATH.exec(url.pathname)
  if (match === null) throw new ComfyProgressError('ROUTE_NOT_FOUND')
  const segment = match[1]
  if (segment !== undefined && segment !== '') {
    if (!isTaskId(segment)) throw invalidTaskId(segment)
    return { taskIds: [ownCopy(segment)], single: true }
  }
  const list = url.searchParams.getAll('tasks').join(',')
  if (list === '') throw new ComfyProgressError('INVALID_TASK_IDS', 'comfy-progress: no task id was given.')
  const unique = [...new Set(list.split(','))]
  // Checked before the copy: `ownCopy` goes through latin1, which would turn U+0141 ('Ł') into 'A' and
  // so let a malformed id pass as another (possibly real) task's id.
  for (const taskId of unique) if (!isTaskId(taskId)) throw invalidTaskId(taskId)
  const taskIds = unique.map(ownCopy)
  if (taskIds.length > max) {
    throw new ComfyProgressError('TOO_MANY_TASK_IDS', undefined, { details: { limit: max } })
  }
  return { taskIds, single: false }
}

/**
 * A copy of `text` that does not point into the string it was cut from. V8 keeps a substring of 13+
 * characters as a view of its parent, so a task id cut from the URL would keep the whole URL alive as
 * long as the stream lives.
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1')
}

function invalidTaskId(taskId: string): ComfyProgressError {
  return new ComfyProgressError('INVALID_TASK_IDS', undefined, { details: { taskId: taskId.slice(0, 64) } })
}

/** A task's events the client lacks: its current state, or everything after its cursor. */
async function readPast(
  store: TaskStore,
  taskId: string,
  cursor: StreamCursor,
): Promise<{ entries: readonly StoredTaskEvent[]; clientHasTerminal: boolean }> {
  const record = await store.get(taskId)
  if (record === undefined) {
    const code = (await store.isExpired(taskId)) ? 'TASK_EXPIRED' : 'TASK_NOT_FOUND'
    throw new ComfyProgressError(code, undefined, { details: { taskId } })
  }
  const latest = record.latest
  const after = cursor.get(taskId)
  if (after !== undefined && after > (latest?.seq ?? 0)) {
    throw new ComfyProgressError(
      'INVALID_LAST_EVENT_ID',
      'comfy-progress: Last-Event-ID is ahead of the task.',
      {
        details: { taskId, cursor: after },
      },
    )
  }
  const clientHasTerminal = latest !== null && isTerminalEvent(latest.event) && (after ?? 0) >= latest.seq
  if (after === undefined) return { entries: latest === null ? [] : [latest], clientHasTerminal }
  // The latest entry goes along so that the stream learns a task the client finished is finished.
  const missed = after >= (latest?.seq ?? 0) ? [] : await store.eventsAfter(taskId, after)
  return { entries: latest !== null && missed.length === 0 ? [latest] : missed, clientHasTerminal }
}
