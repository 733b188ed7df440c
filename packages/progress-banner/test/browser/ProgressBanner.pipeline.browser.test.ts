/**
 * The banner on the whole real pipeline, in real Chromium: the page generates with
 * `POST /api/generate`, and follows the task with a WebhookManager through the server's SSE route,
 * while the ComfyUI simulator runs the recorded workflow, ComfyClient follows it and TaskManager turns
 * it into task events. What the banner received is checked against the server's own event log.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  bundlePage,
  launchChromium,
  ROOT,
  startTestSite,
  type TestSite,
  waitUntil,
} from '../../../webhook-manager/test/browser/helpers.js'
import { loadWorkflow, type Pipeline, startPipeline } from '../../../webhook-manager/test/browser/pipeline.js'

const TEST_TIMEOUT = 20_000
const SCREENSHOTS = `${ROOT}artifacts/screenshots/`

let browser: Browser
let script: string
let pipeline: Pipeline | undefined
let site: TestSite | undefined
let page: Page | undefined

beforeAll(async () => {
  ;[browser, script] = await Promise.all([
    launchChromium(),
    bundlePage(new URL('./pages/bannerPage.tsx', import.meta.url).pathname),
  ])
})

afterAll(async () => {
  await browser?.close()
})

afterEach(async () => {
  const errors = (await page?.evaluate(() => window.bannerHarness.pageErrors).catch(() => [])) ?? []
  await page?.close()
  await site?.close()
  const background = pipeline?.backgroundErrors ?? []
  page = undefined
  site = undefined
  pipeline = undefined
  expect(errors).toEqual([])
  expect(background).toEqual([])
})

/** Starts the pipeline (simulator at `speed` × real time) behind the site, and opens the page on it. */
async function open(speed: number): Promise<Page> {
  pipeline = await startPipeline({ sim: { speed } })
  site = await startTestSite(pipeline.backend)
  site.setScript(script)
  page = await browser.newPage({ viewport: { width: 1000, height: 640 } })
  // The run cannot be paused for a picture: without transitions the bar matches the text at any moment.
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await page.goto(`${site.url}/?api=/api`)
  await page.waitForFunction(() => window.bannerHarness !== undefined)
  return page
}

/** `POST /api/generate` from the page, with a recorded workflow; a `seed` makes ComfyUI run it anew (no cache). */
const generate = (workflow: string, prompt: string, seed?: number) => {
  const nodes = loadWorkflow(workflow) as Record<
    string,
    { class_type: string; inputs: Record<string, unknown> }
  >
  for (const node of Object.values(nodes)) {
    if (node.class_type === 'KSampler' && seed !== undefined) node.inputs.seed = seed
  }
  return page!.evaluate((body) => window.bannerHarness.generate(body), {
    workflow: nodes,
    workflowName: workflow.replace('.json', ''),
    prompt,
  })
}
const mount = (taskIds: readonly string[], options: Record<string, unknown> = {}) =>
  page!.evaluate(([ids, props]) => window.bannerHarness.mount(ids, { source: 'manager', ...props }), [
    taskIds,
    options,
  ] as const)
const received = (taskId: string) =>
  page!.evaluate((id) => window.bannerHarness.received.filter((line) => line.startsWith(`${id} `)), taskId)

/**
 * What the banner received is the server's log from the moment it subscribed: the task's state then
 * (the first delivery), and every event after it, in order, none twice.
 */
function expectTailOf(seen: readonly string[], log: readonly string[]): void {
  expect(seen.length).toBeGreaterThan(0)
  expect(seen).toEqual(log.slice(log.length - seen.length))
}

/** The server's own log of a task's events, written the way the page writes what it received. */
async function serverLog(taskId: string): Promise<string[]> {
  const entries = await pipeline!.store.eventsAfter(taskId, 0)
  return entries.map(({ event }) => {
    const { percentage, currentStep, currentValue, maxValue } = event.progress
    return `${event.taskId} ${event.status} ${percentage}% ${currentStep} ${currentValue}/${maxValue} @${event.timestamp}`
  })
}

describe('ProgressBanner on the real pipeline (simulator → ComfyClient → TaskManager → SSE → WebhookManager)', () => {
  it(
    'follows a generation from POST /api/generate to 100 %; onComplete gets a result whose image loads',
    async () => {
      const page = await open(3)
      const taskId = await generate('txt2img-basic.json', 'a lighthouse at dusk')
      await mount([taskId], { hideAfterMs: null })
      await page.waitForFunction(
        () => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) >= 40,
      )
      await page.screenshot({
        path: `${SCREENSHOTS}pipeline-mid-run.png`,
        clip: { x: 0, y: 0, width: 1000, height: 140 },
      })
      await page.locator('.cpb[data-status="completed"]').waitFor({ timeout: 15_000 })
      await page.screenshot({
        path: `${SCREENSHOTS}pipeline-done.png`,
        clip: { x: 0, y: 0, width: 1000, height: 140 },
      })

      const log = await serverLog(taskId)
      expect(log.length).toBeGreaterThan(20)
      const seen = await received(taskId)
      expectTailOf(seen, log)
      expect(seen.length).toBeGreaterThan(10) // it followed most of the run live
      const [call] = await page.evaluate(() => window.bannerHarness.calls)
      expect(call).toMatchObject({
        kind: 'complete',
        taskId,
        value: { prompt: 'a lighthouse at dusk', workflow: 'txt2img-basic' },
      })
      const imageUrl = (call!.value as { imageUrl: string }).imageUrl
      expect(imageUrl).toMatch(/^\/api\/image\//)
      expect(await page.evaluate((url) => window.bannerHarness.head(url), imageUrl)).toEqual({
        status: 200,
        type: 'image/png',
      })
      await waitUntil(() => site!.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )

  it(
    "shows ComfyUI's runtime error in the error state",
    async () => {
      const page = await open(8)
      pipeline!.sim.faults.failNode({
        classType: 'VAEDecode',
        exceptionMessage:
          'Given groups=1, weight of size [4, 4, 1, 1], expected input[1, 16, 64, 64] to have 4 channels',
      })
      const taskId = await generate('txt2img-basic.json', 'a lighthouse at dusk')
      await mount([taskId])
      await page.locator('.cpb[data-status="error"]').waitFor({ timeout: 15_000 })
      expect(await page.locator('.cpb-message').textContent()).toBe('Generation failed')
      expect(await page.locator('.cpb-details').textContent()).toContain('RuntimeError in VAEDecode')
      expect(await page.evaluate(() => window.bannerHarness.calls)).toEqual([
        { kind: 'error', taskId, value: { code: 'COMFY_EXECUTION_FAILED', status: 'error' } },
      ])
      expectTailOf(await received(taskId), await serverLog(taskId))
      await page.screenshot({
        path: `${SCREENSHOTS}pipeline-error.png`,
        clip: { x: 0, y: 0, width: 1000, height: 140 },
      })
    },
    TEST_TIMEOUT,
  )

  it(
    'continues after the server cuts the stream mid-run, with no missed and no repeated step',
    async () => {
      const page = await open(3)
      const taskId = await generate('txt2img-basic.json', 'a lighthouse at dusk')
      await mount([taskId], { hideAfterMs: null })
      await page.waitForFunction(
        () => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) >= 15,
      )
      site!.failNext(2, { status: 503 })
      site!.cutStreams()
      await page.locator('.cpb[data-status="completed"]').waitFor({ timeout: 15_000 })
      expectTailOf(await received(taskId), await serverLog(taskId))
      const streams = site!.requests.filter((request) => request.answer === 'backend')
      expect(streams.length).toBeGreaterThanOrEqual(2)
      expect(streams.at(-1)!.lastEventId).toMatch(new RegExp(`^${taskId}:\\d+$`))
    },
    TEST_TIMEOUT,
  )

  it(
    'ten generations at once: ten banners on ONE connection, each to its own result',
    async () => {
      const page = await open(12) // ComfyUI runs one prompt at a time: most tasks wait in its queue
      const ids: string[] = []
      for (let index = 0; index < 10; index++)
        ids.push(await generate('txt2img-basic.json', `picture ${index}`, index))
      await mount(ids, { hideAfterMs: null })
      await page.waitForFunction(
        () => document.querySelectorAll('.cpb[data-status="completed"]').length === 10,
        undefined,
        {
          timeout: 15_000,
        },
      )
      for (const id of ids) expectTailOf(await received(id), await serverLog(id))
      // The later tasks were followed from the queue, through every step, to their result.
      const later = await received(ids[9]!)
      expect(later[0]).toContain(' queued ')
      expect(later.length).toBe((await serverLog(ids[9]!)).length)
      const calls = await page.evaluate(() => window.bannerHarness.calls)
      expect(calls.map((call) => [call.taskId, (call.value as { prompt: string }).prompt]).sort()).toEqual(
        ids.map((id, index) => [id, `picture ${index}`]).sort(),
      )
      expect(site!.requests).toHaveLength(1)
      expect(site!.maxOpenStreams()).toBe(1)
      await waitUntil(() => site!.openStreams() === 0, 'the stream is closed')
    },
    TEST_TIMEOUT,
  )

  it(
    'dismissing and unmounting leave no open stream',
    async () => {
      const page = await open(1)
      const [a, b] = [await generate('txt2img-basic.json', 'a'), await generate('txt2img-basic.json', 'b')]
      await mount([a, b])
      await waitUntil(() => site!.openStreams() === 1, 'the stream is open')
      await page.getByRole('button', { name: 'Dismiss generation progress' }).first().click()
      await waitUntil(
        () => site!.requests.at(-1)?.tasks.join() === b && site!.openStreams() === 1,
        'the stream follows b only',
      )
      await page.evaluate(() => window.bannerHarness.unmount())
      await waitUntil(() => site!.openStreams() === 0, 'no stream is left open')
    },
    TEST_TIMEOUT,
  )
})
