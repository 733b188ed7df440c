import { getEventListeners } from 'node:events'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { until } from '../../test/integration/support/manualTimers.js'
import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import { firstRecorded, recordedHttp } from '../../test/integration/support/recordedHttp.js'
import { json, startServer, type TestServer } from '../../test/integration/support/servers.js'
import { ComfyHttpApi } from './ComfyHttpApi.js'

let server: TestServer
let api: ComfyHttpApi

beforeEach(async () => {
  server = await startServer()
  api = new ComfyHttpApi({ baseUrl: server.baseUrl, timeoutMs: 2000 })
})
afterEach(async () => {
  await server.close()
})

const workflow = { '9': { class_type: 'SaveImage', inputs: { images: ['8', 0] } } }

interface Failure {
  code: string
  details: Record<string, unknown>
}

async function rejection(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise
  } catch (error) {
    return error as Failure
  }
  throw new Error('expected a rejection')
}

describe('submitPrompt', () => {
  it('posts the workflow with client_id and prompt_id and returns ComfyUI’s answer', async () => {
    const recorded = firstRecorded('07-queue-three.jsonl', 'POST', '/prompt')
    server.route('POST', '/prompt', (_req, res) => json(res, 200, recorded.response))
    const result = await api.submitPrompt(workflow, { promptId: 'p-1', clientId: 'c-1', front: true })
    expect(result).toMatchObject({
      prompt_id: '848bc0b1-d8cd-49e1-8b0b-61dfb7ed7166',
      number: 14,
      node_errors: {},
    })
    const sent = JSON.parse(server.requests[0]!.body.toString())
    expect(sent).toEqual({ prompt: workflow, client_id: 'c-1', prompt_id: 'p-1', front: true })
    expect(server.requests[0]!.headers['content-type']).toBe('application/json')
  })

  it('turns every recorded 400 into COMFY_VALIDATION_FAILED carrying error and node_errors', async () => {
    const rejections = recordedHttp('04-validation-error.jsonl', 'POST', '/prompt')
    expect(rejections).toHaveLength(8)
    for (const recorded of rejections) {
      server.route('POST', '/prompt', (_req, res) => json(res, 400, recorded.response))
      const error = await rejection(api.submitPrompt(workflow))
      expect(error.code).toBe('COMFY_VALIDATION_FAILED')
      const body = recorded.response as { error: unknown; node_errors: unknown }
      expect(error.details).toEqual({ error: body.error, node_errors: body.node_errors })
    }
  })

  it('accepts the pre-0.3.28 400 body {error: "no prompt", node_errors: []}', async () => {
    server.route('POST', '/prompt', (_req, res) => json(res, 400, { error: 'no prompt', node_errors: [] }))
    const error = await rejection(api.submitPrompt(workflow))
    expect(error.code).toBe('COMFY_VALIDATION_FAILED')
    expect(error.details).toEqual({ error: 'no prompt', node_errors: {} })
  })

  it('returns a 200 with non-empty node_errors as data, not as an error', async () => {
    const nodeErrors = {
      '12': { errors: [{ type: 'x', message: 'bad' }], dependent_outputs: ['12'], class_type: 'SaveImage' },
    }
    server.route('POST', '/prompt', (_req, res) =>
      json(res, 200, { prompt_id: 'p', number: 3, node_errors: nodeErrors }),
    )
    expect((await api.submitPrompt(workflow)).node_errors).toEqual(nodeErrors)
  })

  it('rejects a 200 without prompt_id as COMFY_BAD_RESPONSE', async () => {
    server.route('POST', '/prompt', (_req, res) => json(res, 200, { hello: 'world' }))
    expect((await rejection(api.submitPrompt(workflow))).code).toBe('COMFY_BAD_RESPONSE')
  })
})

describe('history and queue', () => {
  it('reads a finished entry, and null for {} (queued, running or unknown)', async () => {
    const recorded = firstRecorded('05-runtime-error.jsonl', 'GET', '/history/')
    const id = recorded.path.slice('/history/'.length)
    server.route('GET', recorded.path, (_req, res) => json(res, 200, recorded.response))
    server.route('GET', '/history/unknown', (_req, res) => json(res, 200, {}))
    const entry = await api.getHistory(id)
    expect(entry?.status).toMatchObject({ status_str: 'error', completed: false })
    expect(entry?.status?.messages.map(([type]) => type)).toContain('execution_error')
    expect(await api.getHistory('unknown')).toBeNull()
  })

  it('lists history with max_items (and offset), never unbounded', async () => {
    server.route('GET', '/history', (_req, res) => json(res, 200, {}))
    await api.listHistory({ maxItems: 2 })
    await api.listHistory({ maxItems: 0.5, offset: 4 })
    expect(server.requests.map((r) => r.url)).toEqual([
      '/history?max_items=2',
      '/history?max_items=1&offset=4',
    ])
  })

  it('sorts pending items by number and names their fields', async () => {
    const item = (n: number, id: string) => [n, id, {}, { client_id: 'c' }, ['9']]
    server.route('GET', '/queue', (_req, res) =>
      json(res, 200, {
        queue_running: [item(4, 'run')],
        queue_pending: [item(9, 'c'), item(-1, 'a'), item(5, 'b')],
      }),
    )
    const queue = await api.getQueue()
    expect(queue.running[0]).toEqual({
      number: 4,
      promptId: 'run',
      prompt: {},
      extraData: { client_id: 'c' },
      outputsToExecute: ['9'],
    })
    expect(queue.pending.map((i) => i.promptId)).toEqual(['a', 'b', 'c'])
  })

  it('reads the recorded queue of a real server', async () => {
    const recorded = firstRecorded('07-queue-three.jsonl', 'GET', '/queue')
    server.route('GET', '/queue', (_req, res) => json(res, 200, recorded.response))
    const queue = await api.getQueue()
    expect(queue.running).toHaveLength(1)
    expect(queue.pending.map((i) => i.number)).toEqual(
      [...queue.pending.map((i) => i.number)].sort((a, b) => a - b),
    )
  })

  it('rejects a queue that is not ComfyUI’s shape as COMFY_BAD_RESPONSE', async () => {
    server.route('GET', '/queue', (_req, res) =>
      json(res, 200, { queue_running: [['x']], queue_pending: [] }),
    )
    expect((await rejection(api.getQueue())).code).toBe('COMFY_BAD_RESPONSE')
    server.route('GET', '/queue', (_req, res) => json(res, 200, []))
    expect((await rejection(api.getQueue())).code).toBe('COMFY_BAD_RESPONSE')
  })
})

describe('control', () => {
  it('interrupts one prompt by id and deletes pending prompts (empty 200 bodies)', async () => {
    server.route('POST', '/interrupt', (_req, res) => res.end())
    server.route('POST', '/queue', (_req, res) => res.end())
    await api.interrupt('p-1')
    await api.deletePending(['a', 'b'])
    expect(server.requests.map((r): unknown[] => [r.url, JSON.parse(r.body.toString())])).toEqual([
      ['/interrupt', { prompt_id: 'p-1' }],
      ['/queue', { delete: ['a', 'b'] }],
    ])
  })

  it('reads queue_remaining from GET /prompt', async () => {
    server.route('GET', '/prompt', (_req, res) => json(res, 200, { exec_info: { queue_remaining: 3 } }))
    expect(await api.getQueueRemaining()).toBe(3)
  })
})

describe('files', () => {
  it('uploads an image and a mask as multipart with ComfyUI’s field names', async () => {
    server.route('POST', '/upload/image', (_req, res) =>
      json(res, 200, { name: 'a.png', subfolder: '', type: 'input' }),
    )
    server.route('POST', '/upload/mask', (_req, res) =>
      json(res, 200, { name: 'm.png', subfolder: 'clipspace', type: 'input' }),
    )
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3])
    expect(await api.uploadImage({ image: bytes, filename: 'a.png', overwrite: true })).toEqual({
      name: 'a.png',
      subfolder: '',
      type: 'input',
    })
    await api.uploadMask({
      image: new Blob([bytes], { type: 'image/png' }),
      filename: 'm.png',
      subfolder: 'clipspace',
      originalRef: { filename: 'a.png' },
    })
    const [image, mask] = server.requests
    expect(image!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    const imageBody = image!.body.toString('latin1')
    expect(imageBody).toContain('name="image"; filename="a.png"')
    expect(imageBody).toContain('Content-Type: image/png')
    expect(imageBody).toContain(Buffer.from(bytes).toString('latin1'))
    expect(imageBody).toMatch(/name="overwrite"\r\n\r\ntrue/)
    expect(imageBody).toMatch(/name="type"\r\n\r\ninput/)
    const maskBody = mask!.body.toString('latin1')
    expect(maskBody).toMatch(/name="subfolder"\r\n\r\nclipspace/)
    expect(maskBody).toContain(
      'name="original_ref"\r\n\r\n{"filename":"a.png","subfolder":"","type":"input"}',
    )
  })

  it('refuses an upload without a filename with CLIENT_INVALID_OPTIONS', async () => {
    expect((await rejection(api.uploadImage({ image: new Uint8Array(1), filename: '' }))).code).toBe(
      'CLIENT_INVALID_OPTIONS',
    )
  })

  it('builds /view URLs and fetches bytes with their content type', async () => {
    const png = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
    server.route('GET', '/view', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(png)
    })
    const file = { filename: 'out 1.png', subfolder: 'a/b', type: 'temp' }
    expect(api.viewUrl(file)).toBe(`${server.baseUrl}/view?filename=out%201.png&subfolder=a%2Fb&type=temp`)
    expect(api.viewUrl({ filename: 'x.png' }, { preview: 'webp;90' })).toBe(
      `${server.baseUrl}/view?filename=x.png&subfolder=&type=output&preview=webp%3B90`,
    )
    const view = await api.view(file)
    expect(Buffer.from(view.bytes)).toEqual(png)
    expect(view.contentType).toBe('image/png')
  })

  it('reports a missing file as COMFY_HTTP_ERROR with status 404', async () => {
    server.route('GET', '/view', (_req, res) => json(res, 404, {}))
    const error = await rejection(api.view({ filename: 'nope.png' }))
    expect(error.code).toBe('COMFY_HTTP_ERROR')
    expect(error.details.status).toBe(404)
  })
})

describe('info', () => {
  it('reads object_info (all and one class), system_stats and features', async () => {
    server.route('GET', '/object_info', (_req, res) => json(res, 200, { KSampler: { category: 'sampling' } }))
    server.route('GET', '/object_info/Load%20Image', (_req, res) => json(res, 200, {}))
    server.route('GET', '/system_stats', (_req, res) =>
      json(res, 200, { system: { comfyui_version: '0.3.64' }, devices: [] }),
    )
    server.route('GET', '/features', (_req, res) =>
      json(res, 200, { supports_preview_metadata: true, max_upload_size: 1 }),
    )
    expect(await api.getObjectInfo()).toEqual({ KSampler: { category: 'sampling' } })
    expect(await api.getObjectInfo('Load Image')).toEqual({})
    expect((await api.getSystemStats()).system.comfyui_version).toBe('0.3.64')
    expect((await api.getFeatures()).max_upload_size).toBe(1)
  })
})

describe('failures', () => {
  it('maps a 500 to COMFY_HTTP_ERROR with the status and body', async () => {
    server.route('GET', '/queue', (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end('500 Internal Server Error')
    })
    const error = await rejection(api.getQueue())
    expect(error.code).toBe('COMFY_HTTP_ERROR')
    expect(error.details).toMatchObject({ status: 500, method: 'GET', body: '500 Internal Server Error' })
  })

  it('maps a body that is not JSON to COMFY_BAD_RESPONSE', async () => {
    server.route('GET', '/queue', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"queue_running": [')
    })
    expect((await rejection(api.getQueue())).code).toBe('COMFY_BAD_RESPONSE')
  })

  it('times out with COMFY_TIMEOUT, per call or by default', async () => {
    server.route('GET', '/queue', () => undefined) // never answers
    const error = await rejection(api.getQueue({ timeoutMs: 30 }))
    expect(error.code).toBe('COMFY_TIMEOUT')
    expect(error.details.timeoutMs).toBe(30)
    const quick = new ComfyHttpApi({ baseUrl: server.baseUrl, timeoutMs: 30 })
    expect((await rejection(quick.getQueue())).code).toBe('COMFY_TIMEOUT')
  })

  it('honours the caller’s AbortSignal, already aborted or aborted in flight', async () => {
    server.route('GET', '/queue', () => undefined)
    const aborted = new AbortController()
    aborted.abort()
    expect((await rejection(api.getQueue({ signal: aborted.signal }))).code).toBe('REQUEST_ABORTED')
    const later = new AbortController()
    const pending = api.getQueue({ signal: later.signal })
    setTimeout(() => later.abort(new Error('user left')), 20)
    expect((await rejection(pending)).code).toBe('REQUEST_ABORTED')
    expect(server.requests.length).toBe(1) // the pre-aborted call never reached the server
  })

  it('aborts every request in flight with the API’s lifetime signal, through one listener only', async () => {
    server.route('GET', '/queue', () => undefined)
    const lifetime = new AbortController()
    const scoped = new ComfyHttpApi({ baseUrl: server.baseUrl, signal: lifetime.signal })
    const pending = Array.from({ length: 20 }, () => rejection(scoped.getQueue()))
    await until(() => server.requests.length === 20)
    expect(getEventListeners(lifetime.signal, 'abort')).toHaveLength(1) // not one per request
    lifetime.abort(new ComfyProgressError('CLIENT_CLOSED'))
    expect((await Promise.all(pending)).map((e) => e.code)).toEqual(Array(20).fill('CLIENT_CLOSED'))
    expect((await rejection(scoped.getQueue())).code).toBe('CLIENT_CLOSED') // and every later one
  })

  it('reports a server that is not there as COMFY_UNREACHABLE', async () => {
    const gone = await startServer()
    await gone.close()
    const offline = new ComfyHttpApi({ baseUrl: gone.baseUrl })
    const error = await rejection(offline.getQueue())
    expect(error.code).toBe('COMFY_UNREACHABLE')
    expect(error.details).toEqual({ method: 'GET', url: `${gone.baseUrl}/queue` })
  })

  it('refuses a base URL that is not http(s), and works over an injected fetch', async () => {
    expect(() => new ComfyHttpApi({ baseUrl: 'ws://127.0.0.1:1' })).toThrowError(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS' }),
    )
    const calls: string[] = []
    const injected = new ComfyHttpApi({
      baseUrl: 'http://comfy.invalid',
      fetch: (url) => {
        calls.push(url)
        return Promise.resolve(
          new Response(JSON.stringify({ exec_info: { queue_remaining: 7 } }), { status: 200 }),
        )
      },
    })
    expect(await injected.getQueueRemaining()).toBe(7)
    expect(calls).toEqual(['http://comfy.invalid/prompt'])
  })

  it('logs each request to the logger, and a throwing logger changes nothing', async () => {
    server.route('GET', '/prompt', (_req, res) => json(res, 200, { exec_info: { queue_remaining: 0 } }))
    const entries: unknown[] = []
    const logged = new ComfyHttpApi({ baseUrl: server.baseUrl, logger: (entry) => entries.push(entry) })
    await logged.getQueueRemaining()
    expect(entries).toEqual([
      expect.objectContaining({ type: 'http', method: 'GET', status: 200, url: `${server.baseUrl}/prompt` }),
    ])
    const throwing = new ComfyHttpApi({
      baseUrl: server.baseUrl,
      logger: () => {
        throw new Error('boom')
      },
    })
    expect(await throwing.getQueueRemaining()).toBe(0)
  })
})
