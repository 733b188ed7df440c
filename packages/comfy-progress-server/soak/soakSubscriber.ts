/**
 * One SSE subscriber of the soak: a real `eventsource` EventSource on a task's progress stream, with
 * a fetch in between that can make it misbehave as real browsers on bad networks do: read slowly,
 * stop reading for a while (stuck), have its stream cut (EventSource then resumes by itself with
 * `Last-Event-ID`), or close and reopen the stream itself with `?lastEventId=` (on another instance
 * when there are several). It records every task event it gets, in order, with its `id`.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { TaskEvent } from '@comfy-progress/core'
import { EventSource, type FetchLike } from 'eventsource'
import { isTerminalEvent } from '../src/tasks/isTerminalEvent.js'
import type { SoakRandom } from './soakRandom.js'

/** How a subscriber behaves. */
export type SubscriberBehaviour = 'normal' | 'slow' | 'stuck' | 'cut' | 'resume' | 'late'

/** Every behaviour, for the report. */
export const subscriberBehaviours: readonly SubscriberBehaviour[] = [
  'normal',
  'slow',
  'stuck',
  'cut',
  'resume',
  'late',
]

/** What the subscriber needs to know. */
export interface SubscriberOptions {
  /** One task (`/progress/:taskId`), or several on one stream (`/progress?tasks=a,b`). */
  readonly taskIds: readonly string[]
  readonly behaviour: SubscriberBehaviour
  /** The base URLs of the server instances alive now. */
  readonly instances: () => readonly string[]
  readonly random: SoakRandom
  /** How long to wait for the terminal event at most. */
  readonly deadlineMs: number
}

/** One event as the subscriber got it. */
export interface SubscriberEvent {
  readonly id: number
  readonly status: TaskEvent['status']
  /** An error event's code and message. */
  readonly detail?: string
}

/** What a subscriber saw. */
export interface SubscriberResult {
  readonly taskId: string
  readonly behaviour: SubscriberBehaviour
  readonly events: readonly SubscriberEvent[]
  /** Terminal events received (1 is right). */
  readonly terminals: readonly SubscriberEvent[]
  /** Ids that went backwards or repeated. */
  readonly duplicates: number
  /** Ids that skipped ahead. */
  readonly gaps: number
  /** Connections opened (1 + resumes). */
  readonly connections: number
  /** How many tasks the stream carried. */
  readonly streamTasks: number
  /** Connection events, with `SOAK_DEBUG=1`. */
  readonly trace: readonly string[]
}

const TASK_EVENT_TYPES = ['queued', 'in-progress', 'completed', 'error', 'cancelled'] as const

/**
 * Follows the tasks until each has its terminal event (then until the server says 204) or the
 * deadline; one result per task.
 */
export async function followTasks(options: SubscriberOptions): Promise<SubscriberResult[]> {
  const { behaviour, random, taskIds } = options
  const single = taskIds.length === 1
  const events = new Map<string, SubscriberEvent[]>(taskIds.map((id) => [id, []]))
  let received = 0
  const trace: string[] = []
  /** The `id` of the last event (a sequence number, or the `taskA:5,taskB:9` cursor of a multi-task stream). */
  let lastCursor: string | undefined
  let connections = 0
  let source: EventSource | undefined
  let finished = false
  let resumeAfter = behaviour === 'resume' ? random.int(1, 6) : Infinity
  let cutsLeft = behaviour === 'cut' ? random.int(1, 3) : 0
  let stallLeft = behaviour === 'stuck' ? 1 : 0
  let wake: () => void = () => undefined
  const changed = () => wake()

  const fetchFor = (): FetchLike => async (url, init) => {
    const response = await fetch(url, init)
    const original = response.body
    if (original === null || behaviour === 'normal' || behaviour === 'late' || behaviour === 'resume') {
      return response
    }
    const reader: ReadableStreamDefaultReader<Uint8Array> = original.getReader()
    let chunks = 0
    const cutAt = cutsLeft > 0 ? random.int(1, 8) : Infinity
    const stallAt = stallLeft > 0 ? random.int(1, 6) : Infinity
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          chunks++
          if (behaviour === 'slow') await sleep(random.int(1, 25))
          if (chunks === stallAt) {
            stallLeft--
            await sleep(random.int(300, 2500))
          }
          if (chunks >= cutAt) {
            cutsLeft--
            await reader.cancel()
            controller.error(new Error('soak: stream cut'))
            return
          }
          const { done, value } = await reader.read()
          if (done) controller.close()
          else controller.enqueue(value)
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    )
    return { body, url: response.url, status: response.status, redirected: false, headers: response.headers }
  }

  const open = (cursor: string | undefined) => {
    const live = options.instances()
    const base = live.length === 1 ? live[0] : random.pick(live)
    const resume = cursor === undefined ? '' : `lastEventId=${encodeURIComponent(cursor)}`
    const path = single
      ? `/progress/${taskIds[0]}${resume === '' ? '' : `?${resume}`}`
      : `/progress?tasks=${taskIds.join(',')}${resume === '' ? '' : `&${resume}`}`
    const next = new EventSource(`${base}${path}`, { fetch: fetchFor() })
    connections++
    source = next
    for (const type of TASK_EVENT_TYPES) {
      next.addEventListener(type, (message) => {
        // `error` is also EventSource's own connection error event, which carries no data.
        if (typeof message.data !== 'string' || source !== next) return
        const event = JSON.parse(message.data) as TaskEvent
        const detail =
          event.status === 'error'
            ? `${event.error.code ?? 'no code'}: ${event.error.message} (${event.error.details})`
            : undefined
        const id = single ? Number(message.lastEventId) : seqInCursor(message.lastEventId, event.taskId)
        events.get(event.taskId)?.push({ id, status: event.status, ...(detail ? { detail } : {}) })
        lastCursor = message.lastEventId
        received++
        changed()
      })
    }
    next.addEventListener('open', () => {
      if (process.env.SOAK_DEBUG === '1') trace.push(`open@${Date.now() % 100000}`)
    })
    next.addEventListener('error', (message) => {
      if (typeof (message as { data?: unknown }).data === 'string' || source !== next) return
      if (process.env.SOAK_DEBUG === '1') {
        trace.push(
          `err${(message as { code?: number }).code ?? ''}/${next.readyState}@${Date.now() % 100000}`,
        )
      }
      const dead = !options.instances().includes(base ?? '')
      // A refused stream (the task not yet visible here, 503 from a dying instance) or a dead
      // instance: resume on a live one from the last id; anything else EventSource retries itself.
      if (next.readyState === next.CLOSED || dead) reopen(next)
    })
  }

  const allEnded = () => [...events.values()].every((list) => list.some((e) => isTerminalEvent(e)))
  const reopen = (from: EventSource) => {
    from.close()
    if (finished || allEnded()) {
      changed()
      return
    }
    setTimeout(
      () => {
        if (!finished && source === from) open(lastCursor)
      },
      random.int(20, 150),
    )
  }

  if (behaviour === 'late') await sleep(random.int(50, 1500))
  open(undefined)
  const deadline = Date.now() + options.deadlineMs
  try {
    for (;;) {
      if (allEnded()) break
      if (Date.now() > deadline) break
      if (received >= resumeAfter && source !== undefined) {
        resumeAfter = received + random.int(2, 8)
        const from = source
        from.close()
        await sleep(random.int(0, 100))
        if (source === from) open(lastCursor)
      }
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, 100)
      })
    }
    // After the terminal event, the server closes the stream; EventSource reconnects with its id and
    // must get 204 (nothing more). Listen a little longer to catch a repeated terminal event.
    const until = Date.now() + 1_500
    while (Date.now() < until && source !== undefined && source.readyState !== source.CLOSED) await sleep(50)
  } finally {
    finished = true
    source?.close()
  }
  return taskIds.map((taskId) =>
    summarise({
      taskId,
      behaviour,
      events: events.get(taskId) ?? [],
      connections,
      streamTasks: taskIds.length,
      trace,
    }),
  )
}

/** The sequence number of `taskId` in a multi-task stream's cursor (`taskA:5,taskB:9`); NaN if absent. */
function seqInCursor(cursor: string, taskId: string): number {
  const pair = cursor.split(',').find((entry) => entry.startsWith(`${taskId}:`))
  return pair === undefined ? Number.NaN : Number(pair.slice(taskId.length + 1))
}

function summarise(seen: Omit<SubscriberResult, 'terminals' | 'duplicates' | 'gaps'>): SubscriberResult {
  const { events } = seen
  let duplicates = 0
  let gaps = 0
  for (let i = 1; i < events.length; i++) {
    const previous = events[i - 1]?.id ?? 0
    const id = events[i]?.id ?? 0
    if (id <= previous) duplicates++
    else if (id > previous + 1) gaps++
  }
  return {
    ...seen,
    terminals: events.filter((e) => isTerminalEvent(e)),
    duplicates,
    gaps,
  }
}
