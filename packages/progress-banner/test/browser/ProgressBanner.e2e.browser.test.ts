/**
 * ProgressBanner end to end in real Chromium: the banner on a real WebhookManager, against a real
 * HTTP server on loopback (the wire format as specified, and the real `@comfy-progress/server` SSE
 * handler), with the events of recorded real ComfyUI runs. Screenshots at 0 %, mid-run, error and done
 * go to `artifacts/screenshots/`.
 */
import { mkdirSync } from 'node:fs'
import type { TaskEvent } from '@comfy-progress/core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  bundlePage,
  createWireBackend,
  expectCoalescedRun,
  launchChromium,
  recordedPreviewJpeg,
  recordedTaskEvents,
  ROOT,
  type SseBackend,
  startTestSite,
  type TestSite,
  testTaskId,
  waitUntil,
} from '../../../webhook-manager/test/browser/helpers.js'
import { createServerBackend } from '../../../webhook-manager/test/browser/realServer.js'

const TEST_TIMEOUT = 20_000
const SCREENSHOTS = `${ROOT}artifacts/screenshots/`

let browser: Browser
let script: string

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  ;[browser, script] = await Promise.all([
    launchChromium(),
    bundlePage(new URL('./pages/bannerPage.tsx', import.meta.url).pathname),
  ])
})

afterAll(async () => {
  await browser?.close()
})

/** The line the page writes to `received` for an event (see `pages/bannerPage.tsx`). */
function describeEvent(event: TaskEvent): string {
  const { percentage, currentStep, currentValue, maxValue } = event.progress
  return `${event.taskId} ${event.status} ${percentage}% ${currentStep} ${currentValue}/${maxValue} @${event.timestamp}`
}

/**
 * Takes a screenshot of the top of the page and checks it is not blank: decoded in the page, its
 * pixels must vary (the banner's dark strip, its text and the bar on the light page).
 */
async function screenshot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({
    path: `${SCREENSHOTS}${name}.png`,
    clip: { x: 0, y: 0, width: 1000, height: 140 },
  })
  expect(png.byteLength).toBeGreaterThan(3000)
  const stats = await page.evaluate(async (base64) => {
    const image = new Image()
    image.src = `data:image/png;base64,${base64}`
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = image.width
    canvas.height = image.height
    const context = canvas.getContext('2d')!
    context.drawImage(image, 0, 0)
    const { data } = context.getImageData(0, 0, image.width, image.height)
    const colors = new Set<number>()
    let sum = 0
    let squares = 0
    const pixels = data.length / 4
    for (let index = 0; index < data.length; index += 4) {
      const luma = 0.2126 * data[index]! + 0.7152 * data[index + 1]! + 0.0722 * data[index + 2]!
      sum += luma
      squares += luma * luma
      colors.add((data[index]! >> 4) | ((data[index + 1]! >> 4) << 4) | ((data[index + 2]! >> 4) << 8))
    }
    const mean = sum / pixels
    return { colors: colors.size, deviation: Math.sqrt(squares / pixels - mean * mean) }
  }, png.toString('base64'))
  expect(stats.colors).toBeGreaterThan(8)
  expect(stats.deviation).toBeGreaterThan(20)
}

const backends: [string, () => SseBackend][] = [
  ['wire format', createWireBackend],
  ['@comfy-progress/server', createServerBackend],
]

describe.each(backends)('ProgressBanner on WebhookManager in Chromium (%s)', (backendName, createBackend) => {
  let site: TestSite
  let page: Page
  const shots = backendName === 'wire format' // one set of screenshots is enough

  const received = (taskId?: string) =>
    page.evaluate(
      (id) => window.bannerHarness.received.filter((line) => id === undefined || line.startsWith(`${id} `)),
      taskId,
    )
  const waitForReceived = (taskId: string, count: number) =>
    page.waitForFunction(
      ([id, n]) => window.bannerHarness.received.filter((line) => line.startsWith(`${id} `)).length >= n,
      [taskId, count] as const,
      { timeout: 10_000 },
    )
  /** Publishes events one by one, each once the banner has received the previous one. */
  const publishPaced = async (events: readonly TaskEvent[]) => {
    for (const event of events) {
      const count = (await received(event.taskId)).length
      await site.backend.push(event)
      await waitForReceived(event.taskId, count + 1)
    }
  }
  const mount = (taskIds: readonly string[], options: Record<string, unknown> = {}) =>
    page.evaluate(([ids, props]) => window.bannerHarness.mount(ids, { source: 'manager', ...props }), [
      taskIds,
      options,
    ] as const)

  beforeEach(async () => {
    site = await startTestSite(createBackend())
    site.setScript(script)
    page = await browser.newPage({ viewport: { width: 1000, height: 640 } })
    await page.goto(site.url)
    await page.waitForFunction(() => window.bannerHarness !== undefined)
  })

  afterEach(async () => {
    const errors = await page.evaluate(() => window.bannerHarness.pageErrors).catch(() => [])
    await page.close()
    await site.close()
    expect(errors).toEqual([])
  })

  it(
    'runs a recorded task to 100 %: the banner shows each step and onComplete receives the result',
    async () => {
      const taskId = testTaskId('e2e-basic')
      const preview = `/tasks/${taskId}/preview`
      site.setAsset(preview, 'image/jpeg', recordedPreviewJpeg())
      const events = recordedTaskEvents('01-txt2img-basic.jsonl', taskId, { preview: `${preview}?v=1` })
      await site.backend.createTask(taskId)
      await site.backend.push(events[0]!)
      await mount([taskId], { hideAfterMs: null, showPreview: true })
      await waitForReceived(taskId, 1)
      await page.locator('.cpb-message', { hasText: 'Waiting in queue...' }).waitFor()
      expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0')
      if (shots) await screenshot(page, 'banner-0-percent')

      const sampling = events.findIndex(
        (event) => event.progress.currentValue === 12 && event.progress.maxValue === 20,
      )
      await publishPaced(events.slice(1, sampling + 1))
      await page.locator('.cpb-message', { hasText: 'Sampling image... 12/20' }).waitFor()
      await page.getByRole('img', { name: 'Live preview' }).waitFor()
      await page.waitForFunction(() => document.querySelector<HTMLImageElement>('.cpb-preview')?.complete)
      expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe(
        String(events[sampling]!.progress.percentage),
      )
      if (shots) {
        await page.waitForTimeout(500) // let the bar's 0.4 s transition settle for the picture
        await screenshot(page, 'banner-mid-run')
      }

      await publishPaced(events.slice(sampling + 1))
      await page.locator('.cpb-message', { hasText: 'Complete' }).waitFor()
      expect(await received(taskId)).toEqual(events.map(describeEvent))
      expect(await page.evaluate(() => window.bannerHarness.calls)).toEqual([
        { kind: 'complete', taskId, value: (events.at(-1) as { result: unknown }).result },
      ])
      expect(await page.locator('.cpb-meta').textContent()).toBe('100%')
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed after the terminal event')
      if (shots) {
        await page.waitForTimeout(500)
        await screenshot(page, 'banner-done')
      }
    },
    TEST_TIMEOUT,
  )

  it(
    'shows the error state for a recorded runtime error',
    async () => {
      const taskId = testTaskId('e2e-error')
      const events = recordedTaskEvents('05-runtime-error.jsonl', taskId)
      await site.backend.createTask(taskId)
      await site.backend.push(events[0]!)
      await mount([taskId])
      await waitForReceived(taskId, 1)
      await publishPaced(events.slice(1))
      await page.locator('.cpb-message', { hasText: 'Generation failed' }).waitFor()
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('error')
      expect(await page.locator('.cpb-details').textContent()).toContain('RuntimeError in VAEDecode (node 8)')
      expect(await page.evaluate(() => window.bannerHarness.calls)).toEqual([
        { kind: 'error', taskId, value: { code: 'COMFY_EXECUTION_FAILED', status: 'error' } },
      ])
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
      if (shots) {
        await page.waitForTimeout(500)
        await screenshot(page, 'banner-error')
      }
    },
    TEST_TIMEOUT,
  )

  it(
    'continues after the server cuts the stream mid-task, with no missed and no repeated step',
    async () => {
      const taskId = testTaskId('e2e-cut')
      const events = recordedTaskEvents('09-inpaint.jsonl', taskId)
      await site.backend.createTask(taskId)
      await site.backend.push(events[0]!)
      await mount([taskId], { hideAfterMs: null })
      await waitForReceived(taskId, 1)
      await publishPaced(events.slice(1, 18))
      await page.locator('.cpb-conn', { hasText: 'Live' }).waitFor()

      site.failNext(4, { status: 503 }) // keep it away for a few attempts
      site.cutStreams()
      await page.locator('.cpb-conn', { hasText: 'Reconnecting...' }).waitFor()
      if (shots) await page.screenshot({ path: `${SCREENSHOTS}banner-reconnecting.png` })
      for (const event of events.slice(18, 26)) await site.backend.push(event) // while the page is away
      await waitForReceived(taskId, 26)
      await page.locator('.cpb-conn', { hasText: 'Live' }).waitFor()
      await publishPaced(events.slice(26))
      await page.locator('.cpb-message', { hasText: 'Complete' }).waitFor()

      expect(await received(taskId)).toEqual(events.map(describeEvent))
      expect(site.requests.filter((request) => request.answer === 'backend').at(-1)).toMatchObject({
        lastEventId: `${taskId}:18`,
      })
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
      // Idle: the indicator says nothing and draws no dot, so it takes no room at all.
      const idle = page.locator('.cpb-conn[data-state=idle]')
      await idle.waitFor({ state: 'attached' })
      expect(await idle.innerText()).toBe('')
      expect((await idle.boundingBox())?.width ?? 0).toBe(0)
    },
    TEST_TIMEOUT,
  )

  it(
    'ten banners at once share ONE connection, each shows its own task, all complete',
    async () => {
      const ids = Array.from({ length: 10 }, (_, index) => testTaskId(`e2e-ten${index}`))
      const runs = ids.map((id, index) =>
        recordedTaskEvents(index % 3 === 0 ? '09-inpaint.jsonl' : '01-txt2img-basic.jsonl', id),
      )
      for (const id of ids) await site.backend.createTask(id)
      await mount(ids, { hideAfterMs: null })
      await waitUntil(() => site.openStreams() === 1, 'the stream is open')
      expect(await page.locator('.cpb').count()).toBe(10)
      // Advance the runs unevenly so the stack shows ten different moments, then wait until every
      // banner has reached its moment (the latest event always arrives, even if progress coalesces).
      for (const [index, run] of runs.entries())
        for (const event of run.slice(0, 4 + index * 3)) await site.backend.push(event)
      const moments = runs.map((run, index) => describeEvent(run[3 + index * 3]!))
      await page.waitForFunction(
        (lines) => lines.every((line) => window.bannerHarness.received.includes(line)),
        moments,
        { timeout: 10_000 },
      )
      if (shots) {
        await page.waitForTimeout(500)
        await page.screenshot({ path: `${SCREENSHOTS}banners-ten.png` })
      }
      // The rest as fast as possible, interleaved (a server may coalesce progress for a client that falls
      // behind; never a status change or the final event).
      const rests = runs.map((run, index) => run.slice(4 + index * 3))
      for (let step = 0; step < Math.max(...rests.map((rest) => rest.length)); step++) {
        for (const rest of rests) if (rest[step] !== undefined) await site.backend.push(rest[step]!)
      }
      await page.waitForFunction(
        () => document.querySelectorAll('.cpb[data-status="completed"]').length === 10,
        undefined,
        {
          timeout: 10_000,
        },
      )
      for (const [index, id] of ids.entries()) {
        const seen = await received(id)
        const published = runs[index]!.map(describeEvent)
        expectCoalescedRun(seen, published)
        if (site.backend.name === 'wire') expect(seen).toEqual(published)
      }
      expect(site.requests).toHaveLength(1)
      expect(site.maxOpenStreams()).toBe(1)
      await waitUntil(() => site.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )

  it(
    'dismissing and unmounting leave no open stream',
    async () => {
      const [a, b] = [testTaskId('e2e-dismiss'), testTaskId('e2e-unmount')]
      const runA = recordedTaskEvents('01-txt2img-basic.jsonl', a)
      const runB = recordedTaskEvents('01-txt2img-basic.jsonl', b)
      for (const id of [a, b]) await site.backend.createTask(id)
      await site.backend.push(runA[0]!)
      await site.backend.push(runB[0]!)
      await mount([a, b])
      await waitForReceived(a, 1)
      await waitForReceived(b, 1)
      await publishPaced(runA.slice(1, 12))
      expect(site.openStreams()).toBe(1)

      // Dismiss one banner: the stream is re-planned for the other task only.
      await page.getByRole('button', { name: 'Dismiss generation progress' }).first().click()
      expect(await page.locator('.cpb').count()).toBe(1)
      await waitUntil(
        () => site.openStreams() === 1 && site.requests.at(-1)?.tasks.join() === b,
        'the stream follows only the other task',
      )
      // Dismiss the last one: nothing stays open.
      await page.getByRole('button', { name: 'Dismiss generation progress' }).click()
      await waitUntil(() => site.openStreams() === 0, 'no stream after dismissing every banner')

      // Mount again and unmount: nothing stays open either.
      await mount([b])
      await waitUntil(() => site.openStreams() === 1, 'the stream is open again')
      await page.evaluate(() => window.bannerHarness.unmount())
      await waitUntil(() => site.openStreams() === 0, 'no stream after unmount')
      expect(await page.evaluate(() => window.bannerHarness.calls)).toEqual([
        { kind: 'dismiss', taskId: a },
        { kind: 'dismiss', taskId: b },
      ])
    },
    TEST_TIMEOUT,
  )

  it(
    'shows "Disconnected" and the reason for a task the server does not know',
    async () => {
      const taskId = testTaskId('e2e-unknown')
      await mount([taskId])
      await page.locator('.cpb-message', { hasText: 'Progress unavailable' }).waitFor()
      expect(await page.locator('.cpb-details').textContent()).toBe('No task has this id.')
      await page.locator('.cpb-conn', { hasText: 'Disconnected' }).waitFor()
    },
    TEST_TIMEOUT,
  )
})
