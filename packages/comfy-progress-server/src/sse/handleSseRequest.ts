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
  let cleanup = (): void => undefined
  try {
    if (request.method !== 'GET') {
      throw new ComfyProgressError('METHOD_NOT_ALLOWED', undefined, { details: { allow: 'GET' } })
    }
    const url = new URL(request.url, 'http://localhost')
    const { taskIds, single } = readTaskIds(url, context.maxTasksPerStream)
    const cursor = resumeFromLastEventId({
      header: request.headers.get('last-event-id'),
      query: url.searchParams.get('lastEventId'),
      taskIds,
    })

    const release = context.limiter.acquire(taskIds)
    const unsubscribes: Unsubscribe[] = []
    cleanup = () => {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe()
      release()
    }
    const stream = new SseStream({
      ...context.streamOptions,
      taskIds,
      idFormat: single ? 'seq' : 'cursor',
      resumeFrom: cursor,
      onEnd: (reason) => {
        cleanup()
        context.onStreamEnd?.({ taskIds, reason })
      },
    })

    let buffered: StoredTaskEvent[] | null = []
    const listener = (entry: StoredTaskEvent) =>
      buffered === null ? stream.push(entry) : buffered.push(entry)
    const subscribed = await Promise.allSettled(
      taskIds.map((taskId) => context.bus.subscribe(taskId, listener)),
    )
    for (const result of subscribed) if (result.status === 'fulfilled') unsubscribes.push(result.value)
    const failure = subscribed.find((result) => result.status === 'rejected')
    if (failure !== undefined) throw failure.reason

    const pasts = await Promise.all(taskIds.map((taskId) => readPast(context.store, taskId, cursor)))
    for (const past of pasts) for (const entry of past.entries) stream.push(entry)
    for (const entry of buffered) stream.push(entry)
    buffered = null

    if (request.signal.aborted || pasts.every((past) => past.clientHasTerminal)) {
      cleanup()
      return { kind: 'empty', status: 204, headers: { 'Cache-Control': 'no-store' } }
    }
    return { kind: 'sse', status: 200, headers: sseHeaders(request.httpVersion), stream }
  } catch (error) {
    cleanup()
    return errorResponse(
      isComfyProgressError(error) ? error : toComfyProgressError(error, 'STORE_UNAVAILABLE'),
    )
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
    return { taskIds: [segment], single: true }
  }
  const list = url.searchParams.getAll('tasks').join(',')
  if (list === '') throw new ComfyProgressError('INVALID_TASK_IDS', 'comfy-progress: no task id was given.')
  const taskIds = [...new Set(list.split(','))]
  for (const taskId of taskIds) if (!isTaskId(taskId)) throw invalidTaskId(taskId)
  if (taskIds.length > max) {
    throw new ComfyProgressError('TOO_MANY_TASK_IDS', undefined, { details: { limit: max } })
  }
  return { taskIds, single: false }
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
