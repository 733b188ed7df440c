/**
 * WebhookManager in real Chromium, against a real HTTP server on loopback that speaks the SSE wire
 * format, with the events of recorded real ComfyUI runs. Faults (cut streams, HTTP errors, a wrong
 * content type, 404/410) are injected in front of the SSE route; open streams are counted server-side.
 */
import type { TaskEvent } from '@comfy-progress/core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  bundlePage,
  createWireBackend,
  expectCoalescedRun,
  launchChromium,
  recordedTaskEvents,
  type SseBackend,
  startTestSite,
  type TestSite,
  testTaskId,
  waitUntil,
} from './helpers.js'
import type { HarnessEntry, HarnessState } from './pages/managerPage.js'
import { createServerBackend } from './realServer.js'

const TEST_TIMEOUT = 20_000

let browser: Browser
let script: string

beforeAll(async () => {
  ;[browser, script] = await Promise.all([
    launchChromium(),
    bundlePage(new URL('./pages/managerPage.ts', import.meta.url).pathname),
  ])
})

afterAll(async () => {
  await browser?.close()
})

/** What the page's callbacks saw of one task: a comparable line per event. */
function describeEntries(entries: readonly HarnessEntry[]): string[] {
  return entries.map((entry) =>
    entry.kind === 'error' && entry.event === undefined ? `error ${entry.code}` : describeEvent(entry.event!),
  )
}

function describeEvent(event: TaskEvent): string {
  const { percentage, currentStep, currentValue, maxValue } = event.progress
  return `${event.status} ${percentage}% ${currentStep} ${currentValue}/${maxValue} @${event.timestamp}`
}

/** The SSE servers the page is tested against: the wire format as specified, and the real server. */
const backends: [string, () => SseBackend][] = [
  ['wire format', createWireBackend],
  ['@comfy-progress/server', createServerBackend],
]

describe.each(backends)('WebhookManager in Chromium (%s)', (_name, createBackend) => {
  let site: TestSite
  let page: Page

  const log = (taskId?: string) =>
    page.evaluate(
      (id) => window.harness.log.filter((entry) => id === undefined || entry.taskId === id),
      taskId,
    )
  const states = (): Promise<HarnessState[]> => page.evaluate(() => window.harness.states)
  const waitForLog = (taskId: string, count: number) =>
    page.waitForFunction(
      ([id, n]) => window.harness.log.filter((entry) => entry.taskId === id).length >= n,
      [taskId, count] as const,
      { timeout: 10_000 },
    )

  /**
   * Publishes events one at a time, each after the page has received the previous one: a server may
   * coalesce progress for a client that falls behind (the real one does, under backpressure), and these
   * tests check that every single event arrives.
   */
  const publishPaced = async (events: readonly TaskEvent[]) => {
    for (const event of events) {
      const count = (await log(event.taskId)).length
      await site.backend.push(event)
      await waitForLog(event.taskId, count + 1)
    }
  }

  beforeEach(async () => {
    const backend = createBackend()
    site = await startTestSite(backend)
    site.setScript(script)
    page = await browser.newPage()
    await page.goto(site.url)
    await page.waitForFunction(() => window.harness !== undefined)
  })

  afterEach(async () => {
    const errors = await page.evaluate(() => window.harness.pageErrors).catch(() => [])
    await page.close()
    await site.close()
    expect(errors).toEqual([]) // nothing ever threw in the page
  })

  it(
    'follows a recorded task to 100 %: every event in order, then onComplete with the result; the stream closes',
    async () => {
      const taskId = testTaskId('basic')
      const events = recordedTaskEvents('01-txt2img-basic.jsonl', taskId)
      await site.backend.createTask(taskId)
      await site.backend.push(events[0]!)
      await page.evaluate((id) => window.harness.subscribe(id), taskId)
      await waitForLog(taskId, 1)
      await publishPaced(events.slice(1))

      const seen = await log(taskId)
      expect(describeEntries(seen)).toEqual(events.map(describeEvent))
      expect(seen.at(-1)).toMatchObject({
        kind: 'complete',
        event: { result: { imageUrl: '/image/image_123.png' } },
      })
      expect(
        seen.filter((entry) => entry.kind === 'progress').map((entry) => entry.event!.progress.percentage),
      ).toEqual([...events.slice(0, -1).map((event) => event.progress.percentage)])
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
      expect((await states()).map((info) => info.state)).toEqual(['connecting', 'connected', 'idle'])
      expect(site.requests).toHaveLength(1)
    },
    TEST_TIMEOUT,
  )

  it(
    'reports a recorded runtime error to onError with COMFY_EXECUTION_FAILED and the error event',
    async () => {
      const taskId = testTaskId('runtime-error')
      const events = recordedTaskEvents('05-runtime-error.jsonl', taskId)
      await site.backend.createTask(taskId)
      await page.evaluate((id) => window.harness.subscribe(id), taskId)
      for (const event of events) await site.backend.push(event)
      await waitUntil(() => site.requests.length > 0, 'the page asked for the stream')
      const last = await page.waitForFunction(
        (id) => window.harness.log.find((entry) => entry.taskId === id && entry.kind === 'error'),
        taskId,
        { timeout: 10_000 },
      )
      const entry = (await last.jsonValue()) as HarnessEntry
      expect(entry.code).toBe('COMFY_EXECUTION_FAILED')
      expect(entry.event).toMatchObject({ status: 'error', error: { message: 'Generation failed' } })
      expect((entry.event as TaskEvent & { status: 'error' }).error.details).toContain('VAEDecode')
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )

  it(
    'continues after the server cuts the stream mid-task, with no missed and no repeated event',
    async () => {
      const taskId = testTaskId('cut')
      const events = recordedTaskEvents('01-txt2img-basic.jsonl', taskId)
      await site.backend.createTask(taskId)
      await site.backend.push(events[0]!)
      await page.evaluate((id) => window.harness.subscribe(id), taskId)
      await waitForLog(taskId, 1)
      await publishPaced(events.slice(1, 15))

      site.cutStreams()
      // Events published while the page is away (the next connection waits for its backoff).
      for (const event of events.slice(15, 25)) await site.backend.push(event)
      await waitUntil(() => site.requests.length === 2 && site.openStreams() === 1, 'the page reconnected')
      await publishPaced(events.slice(25))

      expect(describeEntries(await log(taskId))).toEqual(events.map(describeEvent))
      // It resumed by itself, from its last event, through the query (EventSource cannot set headers).
      expect(site.requests[1]).toMatchObject({
        tasks: [taskId],
        lastEventId: `${taskId}:15`,
        lastEventIdHeader: null,
      })
      const names = (await states()).map((info) => info.state)
      expect(names).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'idle'])
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )

  it(
    'recovers where the native EventSource gives up: a 500, a 503 and a wrong content type',
    async () => {
      const taskId = testTaskId('flaky')
      const events = recordedTaskEvents('01-txt2img-basic.jsonl', taskId)
      await site.backend.createTask(taskId)
      for (const event of events.slice(0, 5)) await site.backend.push(event)
      site.failNext(1, { status: 500 })
      site.failNext(1, { status: 200 }) // the probe of the failed connection: fine by now
      site.failNext(1, { status: 503 })
      site.failNext(1, { status: 503 }) // its probe
      site.failNext(1, { status: 200, contentType: 'text/html', body: '<h1>Maintenance</h1>' })
      await page.evaluate((id) => window.harness.subscribe(id), taskId)
      await waitForLog(taskId, 1)
      await publishPaced(events.slice(5))

      const seen = await log(taskId)
      // It joined after the first 5 events: the first delivery is the current state, then everything.
      expect(describeEntries(seen)).toEqual(events.slice(4).map(describeEvent))
      const reconnecting = (await states()).filter((info) => info.state === 'reconnecting')
      expect(reconnecting.map((info) => info.details)).toEqual([
        { status: 200 },
        { status: 503 },
        { status: 200 },
      ])
      expect(reconnecting.map((info) => info.attempt)).toEqual([1, 2, 3])
      expect((await states()).at(-1)?.state).toBe('idle')
    },
    TEST_TIMEOUT,
  )

  it(
    'gives up with TASK_NOT_FOUND for an unknown task and asks nothing more',
    async () => {
      const taskId = testTaskId('unknown')
      await page.evaluate((id) => window.harness.subscribe(id), taskId)
      await waitForLog(taskId, 1)
      expect(await log(taskId)).toEqual([{ taskId, kind: 'error', code: 'TASK_NOT_FOUND' }])
      const last = (await states()).at(-1)
      expect(last).toMatchObject({
        state: 'given-up',
        code: 'TASK_NOT_FOUND',
        details: { taskId, status: 404 },
      })
      const count = site.requests.length
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 600))) // longer than the max backoff
      expect(site.requests).toHaveLength(count)
      expect(site.openStreams()).toBe(0)
    },
    TEST_TIMEOUT,
  )

  it(
    'ten tasks at once on one page share ONE connection, and each gets its own events',
    async () => {
      const ids = Array.from({ length: 10 }, (_, index) => testTaskId(`ten${index}`))
      const runs = ids.map((id, index) =>
        recordedTaskEvents(index % 2 === 0 ? '01-txt2img-basic.jsonl' : '09-inpaint.jsonl', id),
      )
      for (const id of ids) await site.backend.createTask(id)
      await page.evaluate((list) => list.forEach((id) => window.harness.subscribe(id)), ids)
      await waitUntil(() => site.openStreams() === 1, 'the stream is open')
      // Interleave the ten runs, event by event.
      const longest = Math.max(...runs.map((run) => run.length))
      for (let index = 0; index < longest; index++) {
        for (const run of runs) if (run[index] !== undefined) await site.backend.push(run[index]!)
      }
      await page.waitForFunction(
        (n) => window.harness.log.filter((entry) => entry.kind === 'complete').length === n,
        ids.length,
        { timeout: 10_000 },
      )
      for (const [index, id] of ids.entries()) {
        const seen = describeEntries(await log(id))
        const published = runs[index]!.map(describeEvent)
        // Published as fast as possible: a server may coalesce progress while the client catches up
        // (the real one does under backpressure), never status changes or the final event.
        expectCoalescedRun(seen, published)
        if (site.backend.name === 'wire') expect(seen).toEqual(published)
      }
      expect(site.requests).toHaveLength(1)
      expect(site.requests[0]!.tasks).toEqual(ids)
      expect(site.maxOpenStreams()).toBe(1)
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )

  it(
    'adding a task re-plans the shared stream without losing or repeating events; unsubscribing closes it',
    async () => {
      const [a, b] = [testTaskId('replanA'), testTaskId('replanB')]
      const runA = recordedTaskEvents('01-txt2img-basic.jsonl', a)
      const runB = recordedTaskEvents('09-inpaint.jsonl', b)
      await site.backend.createTask(a)
      await site.backend.createTask(b)
      await site.backend.push(runA[0]!)
      await page.evaluate((id) => window.harness.subscribe(id), a)
      await waitForLog(a, 1)
      await publishPaced(runA.slice(1, 10))
      await page.evaluate((id) => window.harness.subscribe(id), b)
      await publishPaced(runA.slice(10, 20))
      await publishPaced(runB.slice(0, 5))

      expect(describeEntries(await log(a))).toEqual(runA.slice(0, 20).map(describeEvent))
      expect(site.requests.at(-1)).toMatchObject({
        tasks: [a, b],
        lastEventId: expect.stringMatching(new RegExp(`^${a}:\\d+$`)),
      })
      await waitUntil(() => site.openStreams() === 1, 'one stream is left open')

      await page.evaluate(([x, y]) => (window.harness.unsubscribe(x), window.harness.unsubscribe(y)), [
        a,
        b,
      ] as const)
      await waitUntil(() => site.openStreams() === 0, 'no stream is left open')
      expect((await states()).at(-1)?.state).toBe('idle')
    },
    TEST_TIMEOUT,
  )
})

describe('WebhookManager in Chromium: expiry and partial give-up (wire format)', () => {
  let site: TestSite
  let page: Page

  beforeEach(async () => {
    site = await startTestSite(createWireBackend())
    site.setScript(script)
    page = await browser.newPage()
    await page.goto(site.url)
    await page.waitForFunction(() => window.harness !== undefined)
  })

  afterEach(async () => {
    await page.close()
    await site.close()
  })

  it(
    'gives up on the expired task only (TASK_EXPIRED) and goes on with the others on one stream',
    async () => {
      const ids = [testTaskId('keep1'), testTaskId('gone'), testTaskId('keep2')]
      const runs = ids.map((id) => recordedTaskEvents('01-txt2img-basic.jsonl', id))
      for (const id of ids) await site.backend.createTask(id)
      for (const run of runs) await site.backend.push(run[0]!)
      await page.evaluate((list) => list.forEach((id) => window.harness.subscribe(id)), ids)
      await page.waitForFunction(() => window.harness.log.length === 3)
      await site.backend.expire!(ids[1]!)
      site.cutStreams()
      await page.waitForFunction(
        () => window.harness.log.some((entry) => entry.kind === 'error'),
        undefined,
        {
          timeout: 10_000,
        },
      )
      for (const run of [runs[0]!, runs[2]!]) for (const event of run.slice(1)) await site.backend.push(event)
      await page.waitForFunction(
        () => window.harness.log.filter((entry) => entry.kind === 'complete').length === 2,
        undefined,
        { timeout: 10_000 },
      )
      const entries = await page.evaluate(() => window.harness.log)
      expect(entries.filter((entry) => entry.taskId === ids[1])).toEqual([
        { taskId: ids[1], kind: 'progress', event: runs[1]![0] },
        { taskId: ids[1], kind: 'error', code: 'TASK_EXPIRED' },
      ])
      for (const index of [0, 2]) {
        expect(describeEntries(entries.filter((entry) => entry.taskId === ids[index]))).toEqual(
          runs[index]!.map(describeEvent),
        )
      }
      const names = (await page.evaluate(() => window.harness.states)).map((info) => info.state)
      expect(names).toEqual([
        'connecting',
        'connected',
        'reconnecting',
        'given-up',
        'connecting',
        'connected',
        'idle',
      ])
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )
})
