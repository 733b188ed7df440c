/**
 * Fuzzing what reaches the browser manager from the stream: SSE messages with arbitrary event names,
 * `data` (valid task events of followed and unfollowed tasks, damaged ones, junk) and `id`s (cursors,
 * numbers, junk), through `WebhookManager`'s message handling (core's `parseTaskEvent`, routing,
 * de-duplication by cursor). The EventSource is the package's test stand-in (Node has none); the real
 * one is exercised in Chromium by `test/browser/`.
 *
 * Properties: nothing throws out of the manager; a task's callbacks only ever see that task's events
 * (or a `TASK_EVENT_INVALID` notice); nothing reaches a task after its terminal event; delivered
 * sequence numbers only go up; and on reconnect, the resume cursor holds exactly each live task's last
 * delivered position, and the stream still follows every task that has not ended.
 */
import { type ComfyProgressError, errorCodes, type TaskEvent } from '@comfy-progress/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WebhookManager } from '../../../src/WebhookManager.js'
import type { WebhookManagerTimers } from '../../../src/WebhookManagerOptions.js'
import { cancelled, completed, failed, FakeEventSource, flush, inProgress, taskIdOf } from '../../helpers.js'
import { fuzzTimeout, runFuzz } from '../../../../comfy-progress-core/test/integration/fuzz/fuzzHarness.js'

const SUITE = 'webhook-manager: SSE input'
const FOLLOWED = [taskIdOf(1), taskIdOf(2), taskIdOf(3)]
const STRANGER = taskIdOf(9)
const NAMES = ['queued', 'in-progress', 'completed', 'error', 'cancelled']

/** Timers run by the test (only the reconnect timer is ever set). */
function manualTimers(): WebhookManagerTimers & { runAll(): void } {
  const pending = new Map<number, () => void>()
  let next = 0
  return {
    setTimeout(callback) {
      pending.set(++next, callback)
      return next
    },
    clearTimeout(handle) {
      pending.delete(handle as number)
    },
    runAll() {
      for (const [handle, callback] of [...pending]) {
        pending.delete(handle)
        callback()
      }
    },
  }
}

const taskId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FOLLOWED) },
  { weight: 1, arbitrary: fc.constant(STRANGER) },
)

const validEvent: fc.Arbitrary<TaskEvent> = fc
  .tuple(
    taskId,
    fc.constantFrom('progress', 'queued', 'completed', 'error', 'cancelled'),
    fc.nat({ max: 20 }),
  )
  .map(([id, kind, value]) => {
    switch (kind) {
      case 'progress':
        return inProgress(id, value)
      case 'queued':
        return { ...inProgress(id, 0), status: 'queued', queuePosition: value }
      case 'completed':
        return completed(id)
      case 'error':
        return failed(id, value % 2 === 0 ? 'COMFY_EXECUTION_FAILED' : 'NOT_A_CODE')
      default:
        return cancelled(id)
    }
  })

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, -1, 101, 1e308, '', '__proto__', [], {}, 'x'.repeat(3000)),
)

/** A valid event with one field replaced (top level or in `progress`/`result`/`error`). */
const damagedEvent = fc
  .tuple(
    validEvent,
    fc.constantFrom(
      'taskId',
      'status',
      'progress',
      'timestamp',
      'result',
      'error',
      'percentage',
      'currentStep',
      'imageUrl',
      'message',
      'eta',
    ),
    weird,
  )
  .map(([event, field, value]) => {
    const copy = structuredClone(event) as unknown as Record<string, Record<string, unknown>>
    const holder = ['percentage', 'currentStep'].includes(field)
      ? copy.progress
      : field === 'imageUrl'
        ? copy.result
        : field === 'message'
          ? copy.error
          : (copy as unknown as Record<string, unknown>)
    if (holder !== undefined) holder[field] = structuredClone(value)
    return JSON.stringify(copy)
  })

const data = fc.oneof(
  { weight: 5, arbitrary: validEvent.map((event) => JSON.stringify(event)) },
  { weight: 3, arbitrary: damagedEvent },
  {
    weight: 1,
    arbitrary: fc.tuple(validEvent, fc.nat()).map(([e, at]) => JSON.stringify(e).slice(0, at % 200)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(taskId, fc.string({ maxLength: 10 })).map(([id, tail]) => `{"taskId":"${id}"${tail}`),
  },
)

const id = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(taskId, fc.string({ maxLength: 6 })),
        fc.oneof(fc.nat({ max: 30 }).map(String), fc.constantFrom('', '-1', '1e3', '9'.repeat(16), '007')),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([task, seq]) => `${task}:${seq}`).join(',')),
  fc.nat({ max: 30 }).map(String),
  fc.string({ maxLength: 20 }),
)

const message = fc.record({
  name: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...NAMES) },
    { weight: 1, arbitrary: fc.constantFrom('message', 'open', 'ping') },
  ),
  data,
  id,
})

/** The task's sequence number in an SSE id, read as the server writes cursors (`a:5,b:9`). */
function seqOf(eventId: string, task: string): number | undefined {
  for (const pair of eventId.split(',')) {
    const [name, seq = ''] = pair.split(':')
    if (name === task && /^\d{1,15}$/.test(seq)) return Number(seq)
  }
  return undefined
}

interface Call {
  readonly kind: 'progress' | 'complete' | 'error'
  readonly event?: TaskEvent
  readonly code?: string
  /** The SSE id of the message being dispatched when the call happened. */
  readonly messageId: string
}

describe(SUITE, () => {
  it(
    'routes every fuzzed message safely: own events only, nothing after the end, exact resume cursor',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'WebhookManager message handling', defaultRuns: 300 },
        fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 25 }), async (messages) => {
          FakeEventSource.reset()
          const timers = manualTimers()
          const manager = new WebhookManager({ EventSource: FakeEventSource, timers, random: () => 0.5 })
          let current = ''
          const calls = new Map<string, Call[]>(FOLLOWED.map((task) => [task, []]))
          const stops = FOLLOWED.map((task) =>
            manager.subscribe(task, {
              onProgress: (event) =>
                void calls.get(task)!.push({ kind: 'progress', event, messageId: current }),
              onComplete: (event) =>
                void calls.get(task)!.push({ kind: 'complete', event, messageId: current }),
              onError: (error: ComfyProgressError, event) =>
                void calls.get(task)!.push({ kind: 'error', code: error.code, event, messageId: current }),
            }),
          )
          await flush()
          const source = FakeEventSource.last
          source.open()
          for (const { name, data: text, id: messageId } of messages) {
            current = messageId
            source.send(text, messageId, name) // throws into the test if the manager throws
          }
          await flush()

          const ended = new Set<string>()
          for (const [task, received] of calls) {
            let last = 0
            let finished = false
            for (const call of received) {
              expect(finished).toBe(false) // nothing after a terminal call
              if (call.code !== undefined) expect(Object.hasOwn(errorCodes, call.code)).toBe(true)
              if (call.event === undefined) {
                expect(call.code).toBe('TASK_EVENT_INVALID') // a malformed message: a notice, not an end
                continue
              }
              expect(call.event.taskId).toBe(task) // never another task's event
              const seq = seqOf(call.messageId, task)
              if (seq !== undefined) {
                expect(seq).toBeGreaterThan(last)
                last = seq
              }
              if (call.kind !== 'progress') finished = true
            }
            if (finished) ended.add(task)
          }

          // Reconnect: the new stream follows the tasks that have not ended, from their last positions.
          const live = FOLLOWED.filter((task) => !ended.has(task))
          if (live.length === 0) {
            expect(FakeEventSource.open).toHaveLength(0) // the last task ended: the stream is closed
          } else {
            source.drop()
            timers.runAll()
            await flush()
            const reopened = FakeEventSource.last
            expect(reopened).not.toBe(source)
            expect(reopened.tasks).toEqual(live)
            const expected = live
              .map((task) => {
                const delivered = calls.get(task)!.filter((call) => call.event !== undefined)
                const seqs = delivered
                  .map((call) => seqOf(call.messageId, task))
                  .filter((s) => s !== undefined)
                return [task, Math.max(0, ...seqs)] as const
              })
              .filter(([, seq]) => seq > 0)
              .map(([task, seq]) => `${task}:${seq}`)
              .join(',')
            expect(reopened.lastEventId ?? '').toBe(expected)
          }
          for (const stop of stops) stop()
          await flush()
          expect(FakeEventSource.open).toHaveLength(0) // every stream closed once nothing is followed
        }),
      )
    },
    fuzzTimeout(),
  )
})
