/**
 * The reference app's server over real HTTP, with the simulator in the same process: the pages and
 * bundles are served, a text-to-image and an inpaint request run to completion through `/api`, and bad
 * requests are answered 400 with words a person can act on.
 */
import { EventSource } from 'eventsource'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ReferenceApp, startApp } from '../../src/server/startApp.js'

let app: ReferenceApp

beforeAll(async () => {
  app = await startApp({ port: 0, simulatorSpeed: 20 })
})

afterAll(async () => {
  await app?.close()
})

const post = (body: unknown) =>
  fetch(`${app.url}/api/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** Follows a task's SSE stream to its terminal event and returns every event's data. */
function follow(progressUrl: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const events: Record<string, unknown>[] = []
    const source = new EventSource(`${app.url}${progressUrl}`)
    for (const name of ['queued', 'in-progress', 'completed', 'error']) {
      source.addEventListener(name, (event) => {
        const data = JSON.parse(event.data) as Record<string, unknown>
        events.push(data)
        if (name === 'completed' || name === 'error') {
          source.close()
          resolve(events)
        }
      })
    }
    source.onerror = () => {
      if (events.length === 0) {
        source.close()
        reject(new Error('the progress stream failed'))
      }
    }
  })
}

/** A real PNG: one the simulator made. */
async function simulatorPng(): Promise<string> {
  const { progressUrl } = (await (
    await post({ prompt: 'a source image', workflow: 'txt2img-draft' })
  ).json()) as {
    progressUrl: string
  }
  const last = (await follow(progressUrl)).at(-1) as { result: { imageUrl: string } }
  const bytes = Buffer.from(await (await fetch(`${app.url}${last.result.imageUrl}`)).arrayBuffer())
  return `data:image/png;base64,${bytes.toString('base64')}`
}

describe('pages', () => {
  it('serves both pages, the style sheet, the bundled scripts and the config', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/inpaint', 'text/html'],
      ['/styles.css', 'text/css'],
      ['/assets/index.js', 'text/javascript'],
      ['/assets/inpaint.js', 'text/javascript'],
    ]) {
      const response = await fetch(`${app.url}${path}`)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type'), path).toContain(type)
    }
    expect(await (await fetch(`${app.url}/config.json`)).json()).toEqual({
      backend: 'simulator',
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
    })
    expect((await fetch(`${app.url}/nothing-here`)).status).toBe(404)
  })
})

describe('POST /api/generate', () => {
  it('text to image: 202 with the task id at once, then named steps to a completed event with the result', async () => {
    const response = await post({ prompt: 'a lighthouse at dusk', workflow: 'txt2img-portrait', seed: 42 })
    expect(response.status).toBe(202)
    const { taskId, progressUrl } = (await response.json()) as { taskId: string; progressUrl: string }
    expect(progressUrl).toBe(`/api/progress/${taskId}`)
    const events = await follow(progressUrl)
    const last = events.at(-1) as { status: string; result: Record<string, unknown> }
    expect(last.status).toBe('completed')
    expect(last.result).toMatchObject({
      prompt: 'a lighthouse at dusk',
      workflow: 'txt2img-portrait',
      seed: 42,
      name: 'Portrait',
      inpaint: false,
      inpaintArea: null,
    })
    const image = await fetch(`${app.url}${last.result.imageUrl as string}`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')
    const png = Buffer.from(await image.arrayBuffer())
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 768])
  })

  it('inpainting: the image and the mask are uploaded to ComfyUI and the task completes with the area', async () => {
    const image = await simulatorPng()
    const response = await post({
      prompt: 'a red boat',
      workflow: 'inpaint',
      image,
      mask: image,
      inpaintArea: { x: 10, y: 20, width: 100, height: 50 },
    })
    expect(response.status).toBe(202)
    const { progressUrl } = (await response.json()) as { progressUrl: string }
    const events = await follow(progressUrl)
    const steps = new Set(events.map((event) => (event.progress as { currentStep: string }).currentStep))
    expect(steps).toContain('Loading image...')
    expect(steps).toContain('Preparing inpainting...')
    expect(events.at(-1)).toMatchObject({
      status: 'completed',
      result: { inpaint: true, inpaintArea: { x: 10, y: 20, width: 100, height: 50 }, workflow: 'inpaint' },
    })
  })

  it.each([
    [{ prompt: '   ', workflow: 'txt2img' }, 'Describe the image you want first.'],
    [{ prompt: 'a cat', workflow: 'sdxl-turbo' }, 'Choose one of the listed workflows.'],
    [{ prompt: 'a cat', workflow: 'txt2img', seed: -1 }, 'The seed must be a whole number'],
    [{ prompt: 'a cat', workflow: 'txt2img', seed: 1.5 }, 'The seed must be a whole number'],
    [{ prompt: 'x'.repeat(1001), workflow: 'txt2img' }, 'Keep the prompt under 1000 characters.'],
    [{ prompt: 'a boat', workflow: 'inpaint' }, 'Choose a PNG, JPEG or WebP image to inpaint.'],
    [
      { prompt: 'a boat', workflow: 'inpaint', image: 'data:image/png;base64,aGVsbG8=' },
      'Choose a PNG, JPEG or WebP',
    ],
    [['a list'], 'The request was not understood.'],
  ])('answers 400 BODY_INVALID in words for %j', async (body, words) => {
    const response = await post(body)
    expect(response.status).toBe(400)
    const { error } = (await response.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('BODY_INVALID')
    expect(error.message).toContain(words)
  })

  it('answers 400 for a mask that is missing, with the words of the form', async () => {
    const response = await post({ prompt: 'a boat', workflow: 'inpaint', image: await simulatorPng() })
    expect(response.status).toBe(400)
    const { error } = (await response.json()) as { error: { code: string; message: string } }
    expect(error).toMatchObject({ code: 'BODY_INVALID' })
    expect(error.message).toContain('Paint over the part of the image you want to change.')
  })
})
