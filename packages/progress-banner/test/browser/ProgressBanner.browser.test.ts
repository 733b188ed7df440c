/**
 * ProgressBanner component tests in real Chromium: every state, accessibility, keyboard, styles.
 * A fake source in the page (see `pages/bannerPage.tsx`) delivers what each test needs; the
 * end-to-end suite (`ProgressBanner.e2e.browser.test.ts`) runs the banner on a real WebhookManager
 * and a real SSE server.
 */
import type { TaskEvent } from '@comfy-progress/core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  bundlePage,
  createWireBackend,
  launchChromium,
  recordedTaskEvents,
  startTestSite,
  type TestSite,
  testTaskId,
} from '../../../webhook-manager/test/browser/helpers.js'

const TEST_TIMEOUT = 20_000
const TASK = testTaskId('banner')
const OTHER = testTaskId('other')
/** A recorded real run (ComfyUI txt2img): queued, running steps with ETA, completed. */
const RUN = recordedTaskEvents('01-txt2img-basic.jsonl', TASK, { preview: `/tasks/${TASK}/preview?v=1` })
const SAMPLING = RUN.find((event) => event.progress.currentValue === 12 && event.progress.maxValue === 20)!
const FAILED = recordedTaskEvents('05-runtime-error.jsonl', TASK).at(-1)!

let browser: Browser
let site: TestSite
let page: Page

beforeAll(async () => {
  const [launched, script, started] = await Promise.all([
    launchChromium(),
    bundlePage(new URL('./pages/bannerPage.tsx', import.meta.url).pathname),
    startTestSite(createWireBackend()),
  ])
  browser = launched
  site = started
  site.setScript(script)
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
})

beforeEach(async () => {
  page = await browser.newPage()
  await page.goto(site.url)
  await page.waitForFunction(() => window.bannerHarness !== undefined)
})

afterEach(async () => {
  const errors = await page.evaluate(() => window.bannerHarness.pageErrors)
  await page.close()
  expect(errors).toEqual([])
})

const mount = (options: Record<string, unknown> = {}, taskIds = [TASK]) =>
  page.evaluate(([ids, props]) => window.bannerHarness.mount(ids, props), [taskIds, options] as const)
const emit = (event: TaskEvent) => page.evaluate((value) => window.bannerHarness.fake.emit(value), event)
const fail = (code: string, message: string) =>
  page.evaluate(([c, m, id]) => window.bannerHarness.fake.fail(id, { code: c, message: m }), [
    code,
    message,
    TASK,
  ] as const)
const text = (selector: string) => page.locator(selector).first().textContent()
const bar = () => page.getByRole('progressbar')
const history = () => page.evaluate(() => window.bannerHarness.fake.history)
const calls = () => page.evaluate(() => window.bannerHarness.calls)

describe('ProgressBanner states', () => {
  it(
    'starts pending at 0 % and subscribes to its task on mount',
    async () => {
      await mount()
      expect(await text('.cpb-message')).toBe('Starting...')
      expect(await text('.cpb-meta')).toBe('0%')
      expect(await bar().getAttribute('aria-valuenow')).toBe('0')
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('pending')
      expect(await history()).toEqual([`subscribe ${TASK}`])
    },
    TEST_TIMEOUT,
  )

  it(
    'shows the queue position while queued',
    async () => {
      await mount()
      await emit({ ...RUN[0]!, queuePosition: 2 })
      expect(await text('.cpb-message')).toBe('Waiting in queue... (2 ahead)')
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('queued')
    },
    TEST_TIMEOUT,
  )

  it(
    'shows the step, its counter, the percentage and the time left while running; the bar follows',
    async () => {
      await mount()
      await emit({ ...SAMPLING, eta: 6.2 })
      expect(await text('.cpb-message')).toBe('Sampling image... 12/20')
      expect(await text('.cpb-meta')).toBe(`${SAMPLING.progress.percentage}% · about 6 s left`)
      expect(await bar().getAttribute('aria-valuenow')).toBe(String(SAMPLING.progress.percentage))
      expect(await bar().getAttribute('aria-valuemin')).toBe('0')
      expect(await bar().getAttribute('aria-valuemax')).toBe('100')
      expect(await bar().getAttribute('aria-valuetext')).toBe(
        `${SAMPLING.progress.percentage}% · about 6 s left, Sampling image... 12/20`,
      )
      expect(await page.locator('.cpb-fill').getAttribute('style')).toContain(
        `scaleX(${SAMPLING.progress.percentage / 100})`,
      )
      // Unknown time left: nothing is said about it.
      await emit({ ...SAMPLING, eta: null })
      expect(await text('.cpb-meta')).toBe(`${SAMPLING.progress.percentage}%`)
    },
    TEST_TIMEOUT,
  )

  it(
    'completes at 100 %, hands the result to onComplete once, stops following and hides after hideAfterMs',
    async () => {
      await mount({ hideAfterMs: 300 })
      await emit(SAMPLING)
      await emit(RUN.at(-1)!)
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('completed')
      expect(await text('.cpb-message')).toBe('Complete')
      expect(await text('.cpb-meta')).toBe('100%')
      expect(await calls()).toEqual([
        { kind: 'complete', taskId: TASK, value: (RUN.at(-1) as { result: unknown }).result },
      ])
      expect(await history()).toEqual([`subscribe ${TASK}`, `unsubscribe ${TASK}`])
      await page.locator('.cpb').waitFor({ state: 'detached', timeout: 5000 })
    },
    TEST_TIMEOUT,
  )

  it(
    'stays when hideAfterMs is null, hides after the 4 s default otherwise',
    async () => {
      await page.clock.install() // the page's timers, driven by the test
      await mount({ hideAfterMs: null })
      await emit(RUN.at(-1)!)
      await page.clock.runFor(60_000) // far past the 4 s default
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('completed')
      // …whereas the default hides it after 4 s.
      await mount({}, [OTHER])
      await emit({ ...RUN.at(-1)!, taskId: OTHER })
      await page.clock.runFor(3900)
      expect(await page.locator('.cpb').count()).toBe(1)
      await page.clock.runFor(200)
      expect(await page.locator('.cpb').count()).toBe(0)
    },
    TEST_TIMEOUT,
  )

  it(
    "shows the error state with ComfyUI's message, keeps the bar where it stopped, and stays",
    async () => {
      await mount({ hideAfterMs: 100 })
      await emit(SAMPLING)
      await emit(FAILED)
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('error')
      expect(await text('.cpb-message')).toBe('Generation failed')
      expect(await text('.cpb-details')).toContain('RuntimeError in VAEDecode (node 8)')
      expect(await text('.cpb-meta')).toBe('')
      expect(await bar().getAttribute('aria-valuenow')).toBe(String(SAMPLING.progress.percentage))
      expect(await bar().getAttribute('aria-valuetext')).toMatch(
        /^Generation failed: RuntimeError in VAEDecode/,
      )
      expect(await calls()).toEqual([
        { kind: 'error', taskId: TASK, value: { code: 'COMFY_EXECUTION_FAILED', status: 'error' } },
      ])
      expect(await history()).toEqual([`subscribe ${TASK}`, `unsubscribe ${TASK}`])
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)))
      expect(await page.locator('.cpb').count()).toBe(1) // errors are not hidden
    },
    TEST_TIMEOUT,
  )

  it(
    'shows a cancelled task as cancelled',
    async () => {
      await mount()
      await emit(SAMPLING)
      await emit({
        ...SAMPLING,
        status: 'cancelled',
        progress: { ...SAMPLING.progress, currentStep: 'Cancelled' },
      })
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('cancelled')
      expect(await text('.cpb-message')).toBe('Cancelled')
      expect(await page.locator('.cpb-details').count()).toBe(0)
    },
    TEST_TIMEOUT,
  )

  it(
    'shows why a task cannot be followed (404 / 410 from the manager)',
    async () => {
      await mount()
      await fail(
        'TASK_EXPIRED',
        'comfy-progress: The task finished and has expired; its events are no longer kept.',
      )
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('error')
      expect(await text('.cpb-message')).toBe('Progress unavailable')
      expect(await text('.cpb-details')).toBe(
        'The task finished and has expired; its events are no longer kept.',
      )
      expect(await calls()).toEqual([{ kind: 'error', taskId: TASK, value: { code: 'TASK_EXPIRED' } }])
    },
    TEST_TIMEOUT,
  )

  it(
    'skips a malformed message (TASK_EVENT_INVALID): the banner goes on',
    async () => {
      await mount()
      await emit(SAMPLING)
      await fail('TASK_EVENT_INVALID', 'comfy-progress: not a task event')
      expect(await page.locator('.cpb').getAttribute('data-status')).toBe('in-progress')
      expect(await calls()).toEqual([])
      expect(await history()).toEqual([`subscribe ${TASK}`])
    },
    TEST_TIMEOUT,
  )
})

describe('ProgressBanner life cycle', () => {
  it(
    'follows the new task from scratch when taskId changes',
    async () => {
      await mount()
      await emit(SAMPLING)
      await mount({}, [OTHER])
      expect(await history()).toEqual([`subscribe ${TASK}`, `unsubscribe ${TASK}`, `subscribe ${OTHER}`])
      expect(await text('.cpb-message')).toBe('Starting...')
      await emit(SAMPLING) // the old task: not shown any more
      expect(await text('.cpb-message')).toBe('Starting...')
    },
    TEST_TIMEOUT,
  )

  it(
    'unsubscribes when unmounted',
    async () => {
      await mount()
      await page.evaluate(() => window.bannerHarness.unmount())
      expect(await history()).toEqual([`subscribe ${TASK}`, `unsubscribe ${TASK}`])
      expect(await page.locator('.cpb').count()).toBe(0)
    },
    TEST_TIMEOUT,
  )

  it(
    'is dismissed from the keyboard: the labelled button is reachable by Tab; dismissing stops following',
    async () => {
      await mount()
      await emit(SAMPLING)
      const button = page.getByRole('button', { name: 'Dismiss generation progress' })
      expect(await button.count()).toBe(1)
      for (let presses = 0; presses < 10; presses++) {
        await page.keyboard.press('Tab')
        if (await button.evaluate((element) => element === document.activeElement)) break
      }
      expect(await button.evaluate((element) => element === document.activeElement)).toBe(true)
      await page.keyboard.press('Enter')
      expect(await page.locator('.cpb').count()).toBe(0)
      expect(await calls()).toEqual([{ kind: 'dismiss', taskId: TASK }])
      expect(await history()).toEqual([`subscribe ${TASK}`, `unsubscribe ${TASK}`])
    },
    TEST_TIMEOUT,
  )
})

describe('ProgressBanner accessibility and presentation', () => {
  it(
    'announces politely, at most once per announceIntervalMs for progress, at once for a status change',
    async () => {
      await mount({ announceIntervalMs: 60_000 })
      const live = page.locator('.cpb-live')
      expect(await live.getAttribute('aria-live')).toBe('polite')
      expect(await live.getAttribute('role')).toBe('status')
      const running = RUN.filter((event) => event.status === 'in-progress')
      await emit(running[0]!)
      const first = await live.textContent()
      expect(first).toBe(`0%, ${running[0]!.progress.currentStep}`)
      for (const event of running.slice(1, 20)) await emit(event)
      expect(await live.textContent()).toBe(first) // throttled
      const { currentStep, currentValue, maxValue } = running[19]!.progress
      // …while the view follows every event.
      expect(await text('.cpb-message')).toBe(`${currentStep} ${currentValue}/${maxValue}`)
      await emit(RUN.at(-1)!)
      expect(await live.textContent()).toBe('Generation complete')
    },
    TEST_TIMEOUT,
  )

  it(
    'shows the live preview thumbnail only when showPreview is on',
    async () => {
      await mount()
      await emit(SAMPLING)
      expect(SAMPLING.preview?.url).toBe(`/tasks/${TASK}/preview?v=1`)
      expect(await page.locator('.cpb-preview').count()).toBe(0)
      await mount({ showPreview: true })
      await emit(SAMPLING)
      expect(await page.getByRole('img', { name: 'Live preview' }).getAttribute('src')).toBe(
        `/tasks/${TASK}/preview?v=1`,
      )
      await emit(RUN.at(-1)!)
      expect(await page.locator('.cpb-preview').count()).toBe(0)
    },
    TEST_TIMEOUT,
  )

  it(
    'leaks no style: everything outside the banner computes the same before and after it mounts',
    async () => {
      const snapshot = () =>
        page.evaluate(() => {
          const probe = document.createElement('button')
          probe.id = 'probe'
          probe.textContent = 'Generate'
          if (!document.getElementById('probe')) document.querySelector('main')!.append(probe)
          return ['body', 'main', 'h1', 'main p', '#probe'].map((selector) => {
            const style = getComputedStyle(document.querySelector(selector)!)
            return [...style].map((name) => `${name}:${style.getPropertyValue(name)}`).join(';')
          })
        })
      const before = await snapshot()
      await mount()
      await emit(SAMPLING)
      expect(await snapshot()).toEqual(before)
      // Only cpb- class names are used.
      const classes = await page.evaluate(() =>
        [...document.querySelectorAll('.cpb, .cpb *')].flatMap((element) => [...element.classList]),
      )
      expect(classes.every((name) => name.startsWith('cpb'))).toBe(true)
    },
    TEST_TIMEOUT,
  )

  it(
    'is themed through CSS custom properties',
    async () => {
      await page.evaluate(() => {
        document.documentElement.style.setProperty('--cpb-bg', 'rgb(250, 250, 250)')
        document.documentElement.style.setProperty('--cpb-fg', 'rgb(10, 20, 30)')
        document.documentElement.style.setProperty('--cpb-accent', 'rgb(255, 0, 128)')
      })
      await mount()
      await emit(SAMPLING)
      const colors = await page.evaluate(() => ({
        bg: getComputedStyle(document.querySelector('.cpb')!).backgroundColor,
        fg: getComputedStyle(document.querySelector('.cpb')!).color,
        fill: getComputedStyle(document.querySelector('.cpb-fill')!).backgroundColor,
      }))
      expect(colors).toEqual({ bg: 'rgb(250, 250, 250)', fg: 'rgb(10, 20, 30)', fill: 'rgb(255, 0, 128)' })
    },
    TEST_TIMEOUT,
  )

  it(
    'animates the bar smoothly, and not at all with prefers-reduced-motion',
    async () => {
      const motion = () =>
        page.evaluate(() => ({
          transition: getComputedStyle(document.querySelector('.cpb-fill')!).transitionDuration,
          animation: getComputedStyle(document.querySelector('.cpb')!).animationName,
        }))
      await mount()
      expect(await motion()).toEqual({ transition: '0.4s, 0.3s', animation: 'cpb-in' })
      await page.emulateMedia({ reducedMotion: 'reduce' })
      expect(await motion()).toEqual({ transition: '0s', animation: 'none' })
    },
    TEST_TIMEOUT,
  )
})
