/**
 * The HTTP API as ComfyUI 0.3.64 answers it: queue and history controls, uploads and /view with
 * their path rules, info routes, the /api prefix, the origin check and error statuses.
 */
import { PNG } from 'pngjs'
import { afterEach, describe, expect, it } from 'vitest'
import { encodePng } from '../../src/images/encodePng.js'
import { loadWorkflow } from '../fixtures.js'
import { closeAll, connect, getJson, isPromptEnd, postJson, startSim } from '../helpers.js'

afterEach(closeAll)

const png = encodePng({ width: 8, height: 8, pixel: () => [10, 20, 30] })

async function upload(
  url: string,
  fields: Record<string, string | { name: string; bytes: Buffer }>,
): Promise<Response> {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(key, value)
    else form.append(key, new Blob([value.bytes], { type: 'image/png' }), value.name)
  }
  return fetch(url, { method: 'POST', body: form })
}

describe('queue and history', () => {
  it('accepts a client prompt_id, answers number and node_errors, and serves the same under /api', async () => {
    const sim = await startSim()
    const answer = await postJson(`${sim.url}/api/prompt`, {
      prompt: loadWorkflow('txt2img-basic.json'),
      prompt_id: 'mine-1',
    })
    expect(answer).toMatchObject({ status: 200, body: { prompt_id: 'mine-1', number: 0, node_errors: {} } })
    expect(answer.text).toBe('{"prompt_id": "mine-1", "number": 0, "node_errors": {}}')
    await sim.whenFinished('mine-1')
    expect(await getJson(`${sim.url}/api/history/mine-1`)).toHaveProperty(
      'mine-1.status.status_str',
      'success',
    )
    expect(await getJson(`${sim.url}/prompt`)).toEqual({ exec_info: { queue_remaining: 0 } })
  })

  it('answers 400 no_prompt and still uses up a number', async () => {
    const sim = await startSim()
    expect(await postJson(`${sim.url}/prompt`, { client_id: 'x' })).toMatchObject({
      status: 400,
      body: { error: { type: 'no_prompt' }, node_errors: {} },
    })
    const next = await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json') })
    expect(next.body).toMatchObject({ number: 1 })
  })

  it('shows queued prompts, lets `front` jump the queue, deletes and clears pending ones', async () => {
    const sim = await startSim()
    sim.pause()
    const ids: string[] = []
    for (const front of [false, false, true]) {
      const answer = await postJson(`${sim.url}/prompt`, {
        prompt: loadWorkflow('txt2img-basic.json'),
        front,
      })
      ids.push((answer.body as { prompt_id: string }).prompt_id)
    }
    const queue = (await getJson(`${sim.url}/queue`)) as {
      queue_running: unknown[]
      queue_pending: [number, string][]
    }
    expect(queue.queue_running).toEqual([])
    expect(queue.queue_pending.map((item) => item[0]).sort((a, b) => a - b)).toEqual([-2, 0, 1])
    expect((await postJson(`${sim.url}/queue`, { delete: [ids[0]] })).text).toBe('')
    expect(((await getJson(`${sim.url}/queue`)) as typeof queue).queue_pending).toHaveLength(2)
    await postJson(`${sim.url}/queue`, { clear: true })
    expect(((await getJson(`${sim.url}/queue`)) as typeof queue).queue_pending).toEqual([])
    expect(await getJson(`${sim.url}/history/${ids[0]}`)).toEqual({})
  })

  it('lists, deletes and clears history', async () => {
    const sim = await startSim()
    for (const id of ['h1', 'h2', 'h3']) {
      await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json'), prompt_id: id })
      await sim.whenFinished(id)
    }
    expect(Object.keys((await getJson(`${sim.url}/history?max_items=2`)) as object)).toEqual(['h2', 'h3'])
    expect(Object.keys((await getJson(`${sim.url}/history?max_items=1&offset=0`)) as object)).toEqual(['h1'])
    await postJson(`${sim.url}/history`, { delete: ['h2'] })
    expect(Object.keys((await getJson(`${sim.url}/history`)) as object)).toEqual(['h1', 'h3'])
    await postJson(`${sim.url}/history`, { clear: true })
    expect(await getJson(`${sim.url}/history`)).toEqual({})
  })

  it('interrupts the running prompt without a body, and ignores an interrupt for another prompt', async () => {
    const sim = await startSim({ speed: 2 })
    const client = await connect(sim, { clientId: 'c' })
    await postJson(`${sim.url}/prompt`, {
      prompt: loadWorkflow('interrupt-60-steps.json'),
      client_id: 'c',
      prompt_id: 'long',
    })
    await client.waitFor((f) => f.kind === 'text' && f.type === 'progress')
    expect((await postJson(`${sim.url}/interrupt`, { prompt_id: 'someone-else' })).status).toBe(200)
    const response = await fetch(`${sim.url}/interrupt`, { method: 'POST' })
    expect([response.status, await response.text(), response.headers.get('content-type')]).toEqual([
      200,
      '',
      null,
    ])
    await client.waitFor(isPromptEnd('long'))
    const entry = await sim.whenFinished('long')
    expect(entry.status).toMatchObject({ status_str: 'error', completed: false })
    expect(entry.status.messages.at(-1)?.[0]).toBe('execution_interrupted')
  })
})

describe('uploads and /view', () => {
  it('renames a clash, keeps an identical re-upload, overwrites on request, and serves the files', async () => {
    const sim = await startSim()
    const other = encodePng({ width: 4, height: 4, pixel: () => [1, 2, 3] })
    const names: unknown[] = []
    for (const [bytes, overwrite] of [[png], [png], [other], [other, 'true']] as const) {
      const response = await upload(`${sim.url}/upload/image`, {
        image: { name: 'pic.png', bytes },
        subfolder: 'sub',
        ...(overwrite ? { overwrite } : {}),
      })
      names.push(await response.json())
    }
    expect(names).toEqual([
      { name: 'pic.png', subfolder: 'sub', type: 'input' },
      { name: 'pic.png', subfolder: 'sub', type: 'input' },
      { name: 'pic (1).png', subfolder: 'sub', type: 'input' },
      { name: 'pic.png', subfolder: 'sub', type: 'input' },
    ])
    const view = await fetch(`${sim.url}/view?filename=pic.png&subfolder=sub&type=input`)
    expect(view.headers.get('content-type')).toBe('image/png')
    expect(PNG.sync.read(Buffer.from(await view.arrayBuffer())).width).toBe(4)
    const annotated = await fetch(
      `${sim.url}/view?filename=${encodeURIComponent('pic (1).png [input]')}&subfolder=sub`,
    )
    expect(annotated.status).toBe(200)
  })

  it('answers 400 for a bad name or type, 403 for an escaping subfolder, 404 for a missing file', async () => {
    const sim = await startSim()
    const status = async (query: string) => (await fetch(`${sim.url}/view?${query}`)).status
    expect(await status('filename=../x.png')).toBe(400)
    expect(await status('filename=x.png&type=nowhere')).toBe(400)
    expect(await status('filename=x.png&subfolder=../..')).toBe(403)
    expect(await status('filename=x.png')).toBe(404)
    expect(await status('')).toBe(404)
    expect((await upload(`${sim.url}/upload/image`, { type: 'input' })).status).toBe(400)
    expect(
      (await upload(`${sim.url}/upload/image`, { image: { name: 'x.png', bytes: png }, type: 'bogus' }))
        .status,
    ).toBe(500)
    expect(
      (await upload(`${sim.url}/upload/image`, { image: { name: 'x.png', bytes: png }, subfolder: '../..' }))
        .status,
    ).toBe(400)
  })

  it('saves an uploaded mask next to its original', async () => {
    const sim = await startSim()
    await upload(`${sim.url}/upload/image`, { image: { name: 'photo.png', bytes: png } })
    const response = await upload(`${sim.url}/upload/mask`, {
      image: { name: 'clipspace-mask.png', bytes: png },
      original_ref: JSON.stringify({ filename: 'photo.png', type: 'input', subfolder: '' }),
    })
    expect(await response.json()).toEqual({ name: 'clipspace-mask.png', subfolder: '', type: 'input' })
    expect((await fetch(`${sim.url}/view?filename=clipspace-mask.png&type=input`)).status).toBe(200)
  })

  it('answers 413 above maxUploadSize', async () => {
    const sim = await startSim({ maxUploadSize: 1024 })
    const response = await upload(`${sim.url}/upload/image`, {
      image: { name: 'big.png', bytes: Buffer.alloc(4096) },
    })
    expect(response.status).toBe(413)
    expect(await getJson(`${sim.url}/features`)).toEqual({
      supports_preview_metadata: true,
      max_upload_size: 1024,
    })
  })
})

describe('info routes and errors', () => {
  it('serves object_info (with uploaded images in LoadImage), system_stats, models and embeddings', async () => {
    const sim = await startSim()
    await upload(`${sim.url}/upload/image`, { image: { name: 'mine.png', bytes: png } })
    const loadImage = (await getJson(`${sim.url}/object_info/LoadImage`)) as {
      LoadImage: { input: { required: { image: [string[]] } } }
    }
    expect(loadImage.LoadImage.input.required.image[0]).toEqual(['example.png', 'mine.png'])
    expect(await getJson(`${sim.url}/object_info/NoSuchNode`)).toEqual({})
    expect(Object.keys((await getJson(`${sim.url}/object_info`)) as object)).toHaveLength(65)
    expect(await getJson(`${sim.url}/system_stats`)).toHaveProperty('system.comfyui_version', '0.3.64')
    expect(await getJson(`${sim.url}/models/checkpoints`)).toEqual(['random-sd15.safetensors'])
    expect(await getJson(`${sim.url}/embeddings`)).toEqual([])
  })

  it('answers 500 for malformed JSON and a prompt that is not a graph, 404/405 for unknown routes', async () => {
    const sim = await startSim()
    expect((await fetch(`${sim.url}/prompt`, { method: 'POST', body: '{not json' })).status).toBe(500)
    expect((await postJson(`${sim.url}/prompt`, { prompt: 'text' })).status).toBe(500)
    expect((await fetch(`${sim.url}/nope`)).status).toBe(404)
    expect((await fetch(`${sim.url}/interrupt`)).status).toBe(405)
  })

  it('refuses a foreign Origin on a loopback Host with 403 unless corsHeader is set', async () => {
    const strict = await startSim()
    const headers = { origin: 'http://evil.example' }
    expect((await fetch(`${strict.url}/prompt`, { headers })).status).toBe(403)
    expect((await fetch(`${strict.url}/prompt`, { headers: { origin: strict.url } })).status).toBe(200)
    const open = await startSim({ corsHeader: '*' })
    const response = await fetch(`${open.url}/prompt`, { headers })
    expect([response.status, response.headers.get('access-control-allow-origin')]).toEqual([200, '*'])
  })
})
