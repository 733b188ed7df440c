/**
 * The reference app end to end in Chromium: the app started as `pnpm start` starts it (with the
 * built-in simulator), a person typing a prompt and clicking Generate, the banner walking through
 * named steps to 100 %, the image in the carousel and the toast; the same on the inpaint page with an
 * uploaded image and a painted mask; phone-sized pages; and errors in words when ComfyUI is down.
 * Screenshots go to `artifacts/screenshots/reference-app-*.png`.
 */
import { createServer } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type BannerRecord,
  collectPageErrors,
  generateImageViaApi,
  launchChromium,
  recordBanners,
  type RunningApp,
  screenshot,
  startAppProcess,
} from './helpers.js'

const DESKTOP = { width: 1280, height: 860 }
const PHONE = { width: 390, height: 844 }

let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

async function openPage(app: RunningApp, path: string, viewport = DESKTOP): Promise<void> {
  page = await browser.newPage({ viewport, ...(viewport === PHONE && { isMobile: true, hasTouch: true }) })
  errors = collectPageErrors(page)
  await recordBanners(page)
  await page.goto(`${app.url}${path}`)
}

afterEach(async () => {
  await page?.close()
})

const bannerRecord = (): Promise<BannerRecord> => page.evaluate(() => window.bannerRecord)

/**
 * Checks what the banner showed: the named steps of the nodes that take a while, in order (a node of a
 * few milliseconds, like `CLIPTextEncode`, may end before the page paints it), a percentage that only
 * grows, up to 100.
 */
function expectBannerWalk(record: BannerRecord, expectedSteps: readonly string[]): void {
  const names = [...new Set(record.steps.map((step) => step.replace(/ \d+\/\d+$/, '')))]
  for (const step of expectedSteps) expect(names, JSON.stringify(record.steps)).toContain(step)
  const order = expectedSteps.map((step) => names.indexOf(step))
  expect(order).toEqual([...order].sort((a, b) => a - b))
  expect(record.steps.filter((step) => /^Sampling image\.\.\. \d+\/20$/.test(step)).length).toBeGreaterThan(5)
  expect(record.percentages.at(-1)).toBe(100)
  expect(record.percentages).toEqual([...record.percentages].sort((a, b) => a - b))
  expect(record.percentages.filter((p) => p > 0 && p < 100).length).toBeGreaterThan(5)
  expect(record.statuses).toContain('in-progress')
  expect(record.statuses.at(-1)).toBe('completed')
}

/** Waits for the carousel to show a loaded image and returns its natural width. */
async function carouselImageWidth(): Promise<number> {
  const image = page.locator('.carousel .stage-image')
  await image.waitFor({ timeout: 20_000 })
  await page.waitForFunction(
    () => {
      const img = document.querySelector<HTMLImageElement>('.carousel .stage-image')
      return img !== null && img.complete && img.naturalWidth > 0
    },
    undefined,
    { timeout: 10_000 },
  )
  return image.evaluate((img: HTMLImageElement) => img.naturalWidth)
}

describe('the reference app on the simulator', () => {
  let app: RunningApp

  beforeAll(async () => {
    // A 20-step image takes about 3 s: every step is seen, and each test stays well under 30 s.
    app = await startAppProcess({ SIM_SPEED: '0.6' })
  })

  afterAll(async () => {
    await app?.stop()
  })

  it('index page: a prompt, Generate, the banner walks through named steps to 100 %, the image joins the carousel, a toast says so', async () => {
    await openPage(app, '/')
    await page
      .getByRole('textbox', { name: 'Prompt' })
      .fill('A lighthouse on a cliff at dusk, warm light, oil painting')
    await page.getByRole('radio', { name: /Portrait/ }).check({ force: true })
    await page.getByRole('button', { name: 'Generate' }).click()

    // The button only waits for the task id: it is free again while the image is made.
    await page.locator('.cpb').waitFor()
    await expect.poll(() => page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true)
    await page.waitForFunction(() => window.bannerRecord.percentages.some((p) => p >= 40 && p < 90))
    await screenshot(page, 'reference-app-index-running')

    expect(await carouselImageWidth()).toBe(512)
    const toast = page.locator('.toast-success')
    await expect.poll(() => toast.textContent()).toContain('Image ready')
    expect(await toast.textContent()).toContain('A lighthouse on a cliff')
    expectBannerWalk(await bannerRecord(), [
      'Loading model...',
      'Sampling image...',
      'Decoding image...',
      'Saving image...',
    ])
    expect(await page.locator('.caption-prompt').textContent()).toBe(
      'A lighthouse on a cliff at dusk, warm light, oil painting',
    )
    expect(await page.locator('.caption-meta').textContent()).toContain('Portrait')
    await screenshot(page, 'reference-app-index-done')

    // onComplete hid the banner.
    await page.locator('.cpb').waitFor({ state: 'detached', timeout: 5000 })
    expect(errors).toEqual([])
  })

  it('inpaint page: an uploaded image, a painted mask, Generate, the banner to 100 %, the result joins the carousel', async () => {
    const png = await generateImageViaApi(app.url)
    await openPage(app, '/inpaint')
    await page
      .locator('#image-file')
      .setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: png })
    const layer = page.locator('.painter-layer')
    await layer.waitFor()
    const box = (await layer.boundingBox())!

    // A mouse stroke (real pointer events from Chromium's input pipeline)…
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.45)
    await page.mouse.down()
    for (let step = 1; step <= 12; step++) {
      await page.mouse.move(
        box.x + box.width * (0.25 + step * 0.03),
        box.y + box.height * (0.45 + Math.sin(step / 2) * 0.06),
      )
    }
    await page.mouse.up()
    // …and a touch stroke (pointer events as a finger sends them).
    const touch = {
      pointerType: 'touch',
      pointerId: 7,
      isPrimary: true,
      button: 0,
      buttons: 1,
      bubbles: true,
    }
    const at = (x: number, y: number) => ({
      ...touch,
      clientX: box.x + box.width * x,
      clientY: box.y + box.height * y,
    })
    await layer.dispatchEvent('pointerdown', at(0.6, 0.7))
    await layer.dispatchEvent('pointermove', at(0.7, 0.72))
    await layer.dispatchEvent('pointerup', { ...at(0.7, 0.72), buttons: 0 })
    await expect.poll(() => page.getByRole('button', { name: 'Clear' }).isEnabled()).toBe(true)

    await page.getByRole('textbox', { name: /painted area/ }).fill('A small wooden boat with a red sail')
    await screenshot(page, 'reference-app-inpaint-painted')
    const request = page.waitForRequest('**/api/generate')
    await page.getByRole('button', { name: 'Generate' }).click()

    const body = (await request).postDataJSON() as Record<string, unknown>
    expect(body.workflow).toBe('inpaint')
    expect(body.image).toMatch(/^data:image\/png;base64,/)
    expect(body.mask).toMatch(/^data:image\/png;base64,/)
    const area = body.inpaintArea as { x: number; y: number; width: number; height: number }
    // The mouse stroke started at 25 % of the width, the touch stroke ended at 70 % (image pixels, 512 wide).
    expect(area.x).toBeLessThan(0.25 * 512)
    expect(area.x + area.width).toBeGreaterThan(0.7 * 512)

    await page.waitForFunction(() => window.bannerRecord.percentages.some((p) => p >= 30 && p < 90))
    await screenshot(page, 'reference-app-inpaint-running')
    expect(await carouselImageWidth()).toBeGreaterThan(0)
    await expect.poll(() => page.locator('.toast-success').textContent()).toContain('Inpainting done')
    expectBannerWalk(await bannerRecord(), [
      'Preparing inpainting...',
      'Sampling image...',
      'Decoding image...',
    ])
    expect(await page.locator('.caption-meta').textContent()).toContain('Inpainted')
    await screenshot(page, 'reference-app-inpaint-done')
    expect(errors).toEqual([])
  })

  it('picks a running image up again after a reload: the banner resumes and the image still arrives', async () => {
    await openPage(app, '/')
    await page.getByRole('textbox', { name: 'Prompt' }).fill('A paper boat on a puddle')
    await page.getByRole('button', { name: 'Generate' }).click()
    await page.waitForFunction(() => window.bannerRecord.percentages.some((p) => p >= 20 && p < 80))
    await page.reload()
    await page.waitForFunction(() => window.bannerRecord.percentages.some((p) => p > 0))
    expect(await carouselImageWidth()).toBe(512)
    expect((await bannerRecord()).percentages.at(-1)).toBe(100)
    expect(await page.locator('.caption-prompt').textContent()).toBe('A paper boat on a puddle')
    expect(errors).toEqual([])
  })

  it('phone-sized pages: one column, nothing wider than the screen; the banner stays in sight and the toast leads to the result', async () => {
    await openPage(app, '/inpaint', PHONE)
    await page.getByRole('button', { name: 'Use a sample' }).click()
    await page.locator('.painter-layer').waitFor()
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0)
    await screenshot(page, 'reference-app-phone-inpaint')
    expect(errors).toEqual([])
    await page.close()

    await openPage(app, '/', PHONE)
    expect(await horizontalOverflow()).toBeLessThanOrEqual(0)
    await screenshot(page, 'reference-app-phone-index')
    await page.getByRole('textbox', { name: 'Prompt' }).fill('A red fox in fresh snow, morning light')
    await page.getByRole('button', { name: 'Generate' }).click()
    await page.waitForFunction(() => window.bannerRecord.percentages.some((p) => p >= 40 && p < 90))
    expect(await page.locator('.cpb').isVisible()).toBe(true)
    await screenshot(page, 'reference-app-phone-running')
    // The gallery is below the form on a phone: the toast offers to show the new image.
    const show = page.getByRole('button', { name: 'Show it' })
    await show.waitFor({ timeout: 20_000 })
    await show.click()
    // Scrolled as far as the page goes: the new image is on screen.
    await expect
      .poll(() =>
        page.locator('.stage').evaluate((stage) => stage.getBoundingClientRect().top / window.innerHeight),
      )
      .toBeLessThan(0.5)
    expect(await carouselImageWidth()).toBe(512)
    await page.waitForFunction(async () => {
      const before = window.scrollY
      await new Promise((resolve) => setTimeout(resolve, 150))
      return window.scrollY === before
    })
    await screenshot(page, 'reference-app-phone-done')
    expect(errors).toEqual([])
  })

  it('says in words what is wrong with the form, before anything is sent', async () => {
    await openPage(app, '/')
    let sent = 0
    page.on('request', (request) => void (request.url().endsWith('/api/generate') && sent++))
    await page.getByRole('button', { name: 'Generate' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Describe the image you want first.')
    await page.getByRole('textbox', { name: 'Prompt' }).fill('a cat')
    await page.getByRole('textbox', { name: 'Seed' }).fill('twelve')
    await page.getByRole('button', { name: 'Generate' }).click()
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('The seed must be a whole number')
    expect(sent).toBe(0)
    expect(errors).toEqual([])
  })
})

describe('the reference app when ComfyUI is down', () => {
  let app: RunningApp

  beforeAll(async () => {
    app = await startAppProcess({ COMFYUI_URL: `http://127.0.0.1:${await closedPort()}` })
  })

  afterAll(async () => {
    await app?.stop()
  })

  it('says so in words: a notice on the page, a toast and the banner when an image is asked for', async () => {
    await openPage(app, '/')
    const notice = page.locator('.notice-error')
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toContain('ComfyUI is not reachable.')
    expect(await page.locator('.backend-pill').textContent()).toBe('ComfyUI · Offline')

    await page.getByRole('textbox', { name: 'Prompt' }).fill('a cat')
    await page.getByRole('button', { name: 'Generate' }).click()
    const toast = page.locator('.toast-error')
    await expect.poll(() => toast.textContent()).toContain('ComfyUI is not reachable')
    expect(await toast.textContent()).toContain('Make sure ComfyUI is running')
    await expect.poll(() => page.locator('.cpb').getAttribute('data-status')).toBe('error')
    expect(await page.locator('.cpb-details').textContent()).toContain('ComfyUI could not be reached')
    await screenshot(page, 'reference-app-comfyui-down')
    // The browser logs the failed health checks (503) itself; the page adds nothing of its own.
    expect(errors.filter((error) => !/status of 503/.test(error))).toEqual([])
  })
})

/** How far the page is wider than the screen (0 or less: no sideways scrolling). */
function horizontalOverflow(): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
