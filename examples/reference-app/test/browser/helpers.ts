/**
 * Helpers of the reference app's end-to-end tests: the app started the way `pnpm start` starts it
 * (its real entry point, in a child process, on a free port), Debian's Chromium through
 * playwright-core, a recorder of what the progress banners show, and screenshots that must not be
 * blank.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url))
/** Where screenshots are kept (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../../artifacts/screenshots/', import.meta.url))

/** A running app, started as its own process. */
export interface RunningApp {
  readonly url: string
  /** Everything it printed, for failure messages. */
  readonly output: () => string
  stop(): Promise<void>
}

/**
 * Starts `src/server/main.ts` (what `pnpm start` runs) with `PORT=0` and the given environment, and
 * resolves with its URL once it printed it.
 */
export function startAppProcess(env: Readonly<Record<string, string>> = {}): Promise<RunningApp> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@comfy-progress/source', '--import', 'tsx', 'src/server/main.ts'],
    { cwd: APP_DIR, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /➜\s+(http:\/\/\S+)/.exec(output)
      if (match) {
        child.stdout?.off('data', onData)
        resolve({ url: match[1]!, output: () => output, stop })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) =>
      reject(new Error(`the app exited (${code}) before it printed its URL:\n${output}`)),
    )
  })
}

/** Launches Debian's Chromium (installed at /usr/bin/chromium), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  })
}

/** What a page has shown in its progress banners, in order (see {@link recordBanners}). */
export interface BannerRecord {
  /** Each distinct step text the banner's main line showed (`Loading model...`, `Sampling image... 3/20`). */
  readonly steps: string[]
  /** Each percentage the banner showed. */
  readonly percentages: number[]
  readonly statuses: string[]
}

declare global {
  interface Window {
    bannerRecord: BannerRecord
  }
}

/**
 * Before any page script runs, installs a MutationObserver that writes down every step text,
 * percentage and status the progress banners show, so that the test sees each step even when the
 * page moves on quickly.
 */
export async function recordBanners(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const record: BannerRecord = { steps: [], percentages: [], statuses: [] }
    window.bannerRecord = record
    const push = <T>(list: T[], value: T): void => {
      if (list[list.length - 1] !== value) list.push(value)
    }
    new MutationObserver(() => {
      for (const banner of document.querySelectorAll('.cpb')) {
        const step = banner.querySelector('.cpb-message')?.textContent ?? ''
        if (step !== '') push(record.steps, step)
        const now = banner.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')
        if (now !== null && now !== undefined) push(record.percentages, Number(now))
        push(record.statuses, banner.getAttribute('data-status') ?? '')
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true })
  })
}

/** Collects the page's uncaught errors and console errors; the test expects none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return errors
}

/**
 * Saves a screenshot to `artifacts/screenshots/<name>.png` and checks it is not blank: a real size,
 * many colours and a spread of brightness (decoded in the page).
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const png = await page.screenshot({
    path: `${SCREENSHOTS}${name}.png`,
    fullPage: options.fullPage ?? false,
    animations: 'disabled', // finished fades, not half-transparent toasts
  })
  expect(png.byteLength).toBeGreaterThan(10_000)
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
    for (let index = 0; index < data.length; index += 4) {
      const luma = 0.2126 * data[index]! + 0.7152 * data[index + 1]! + 0.0722 * data[index + 2]!
      sum += luma
      squares += luma * luma
      colors.add((data[index]! >> 4) | ((data[index + 1]! >> 4) << 4) | ((data[index + 2]! >> 4) << 8))
    }
    const pixels = data.length / 4
    const mean = sum / pixels
    return { width: image.width, colors: colors.size, deviation: Math.sqrt(squares / pixels - mean * mean) }
  }, png.toString('base64'))
  expect(stats.width).toBeGreaterThan(300)
  expect(stats.colors).toBeGreaterThan(40)
  expect(stats.deviation).toBeGreaterThan(15)
}

/**
 * Generates an image through the app's API (no page) and returns its PNG bytes: a real output of the
 * simulator, to upload on the inpaint page.
 */
export async function generateImageViaApi(appUrl: string): Promise<Buffer> {
  const created = await fetch(`${appUrl}/api/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a quiet harbour at dawn', workflow: 'txt2img-draft', seed: 7 }),
  })
  expect(created.status).toBe(202)
  const { taskId } = (await created.json()) as { taskId: string }
  for (;;) {
    const task = (await (await fetch(`${appUrl}/api/tasks/${taskId}`)).json()) as {
      status: string
      result?: { imageUrl: string }
    }
    if (task.status === 'completed') {
      const image = await fetch(`${appUrl}${task.result!.imageUrl}`)
      expect(image.headers.get('content-type')).toBe('image/png')
      return Buffer.from(await image.arrayBuffer())
    }
    expect(['queued', 'in-progress']).toContain(task.status)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
