/**
 * Fuzzing the HTTP surface: every route with fuzzed methods, paths, query strings, headers and
 * `POST /generate` bodies (mutated from a valid one, or arbitrary bytes), and the SSE resume cursor
 * (`Last-Event-ID` header, `lastEventId` query, multi-task cursors). Everything is real: the ComfyUI
 * simulator over `ws`, ComfyClient, TaskManager with per-task webhooks on, the fetch adapter's handler
 * called with web `Request`s (for volume) and the node adapter on loopback.
 *
 * Properties: every answer is a success of the route or a JSON `{error: {code, message}}` whose code is
 * in core's table and whose status is what `statusForError` says; never a 500; the tasks created
 * before are untouched (their record and event log are the same); a cursor is resumed exactly
 * (the events after it, or 204 when the client has the terminal one) or refused with
 * `INVALID_LAST_EVENT_ID`.
 */
import { connect } from 'node:net'
import { ComfyClient, errorCodes } from '@comfy-progress/core'
import { type ComfyUiSim, createComfyUiSim } from '@comfy-progress/comfyui-sim'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHandler as createFetchHandler } from '../../../src/adapters/fetch/index.js'
import { createHandler as createNodeHandler } from '../../../src/adapters/node/index.js'
import { statusForError } from '../../../src/http/statusForError.js'
import { MemoryEventBus } from '../../../src/store/MemoryEventBus.js'
import { MemoryTaskStore } from '../../../src/store/MemoryTaskStore.js'
import type { StoredTaskEvent, TaskRecord } from '../../../src/store/TaskStore.js'
import { TaskManager } from '../../../src/tasks/TaskManager.js'
import { WebhookDispatcher } from '../../../src/webhooks/WebhookDispatcher.js'
import { completed, inProgress, listenHttp1, loadWorkflow, type TestServer } from '../../helpers.js'
import { createTaskId } from '../../../src/tasks/createTaskId.js'
import { fuzzTimeout, runFuzz } from '../../../../comfy-progress-core/test/integration/fuzz/fuzzHarness.js'

const SUITE = 'server: HTTP routes'
const SSE_SUITE = 'server: SSE cursors'
const MAX_BODY = 16 * 1024
const TASK_ID = /^[A-Za-z0-9_-]{22}$/

let sim: ComfyUiSim
let client: ComfyClient
let store: MemoryTaskStore
let tasks: TaskManager
let webhooks: WebhookDispatcher
let handle: (request: Request) => Promise<Response>
let server: TestServer
const backgroundErrors: unknown[] = []
/** Tasks that finished before the fuzzing: their ids and how many events each has. */
const finished: { taskId: string; events: number }[] = []
let snapshots: string[] = []

async function snapshot(): Promise<string[]> {
  return Promise.all(
    finished.map(async ({ taskId }) => {
      const record: TaskRecord | undefined = await store.get(taskId)
      const events: readonly StoredTaskEvent[] = await store.eventsAfter(taskId, 0)
      return JSON.stringify({ record, events })
    }),
  )
}

beforeAll(async () => {
  sim = await createComfyUiSim({ speed: 400 })
  client = new ComfyClient({ baseUrl: sim.url })
  store = new MemoryTaskStore({ taskTtlMs: 3_600_000, maxLiveTasks: 50 })
  webhooks = new WebhookDispatcher({
    taskWebhooks: {},
    // No network in a fuzz run: every host name fails to resolve, every attempt gives up fast.
    resolve: () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })),
    timeoutMs: 200,
    retry: { maxAttempts: 1 },
  })
  tasks = new TaskManager({
    client,
    store,
    webhooks,
    basePath: '/api',
    onError: (error) => backgroundErrors.push(error),
  })
  const options = { tasks, retryMs: 20, maxBodyBytes: MAX_BODY, maxTasksPerStream: 4 }
  handle = createFetchHandler(options)
  server = await listenHttp1(createNodeHandler(options))
  for (const name of ['txt2img-basic.json', 'txt2img-new-seed.json']) {
    const { taskId } = await tasks.create({ workflow: loadWorkflow(name), prompt: 'a lighthouse' })
    finished.push({ taskId, events: 0 })
  }
  await vi.waitFor(
    async () => {
      for (const task of finished) {
        const record = await store.get(task.taskId)
        expect(record?.latest?.event.status).toBe('completed')
        task.events = record!.latest!.seq
      }
    },
    { timeout: 20_000, interval: 50 },
  )
  snapshots = await snapshot()
}, 60_000)

afterAll(async () => {
  await tasks?.close()
  await webhooks?.close()
  await client?.close()
  await sim?.close()
  await server?.close()
  // Background failures of fuzzed tasks are expected (ComfyUI refuses fuzzed workflows); a thrown
  // non-ComfyProgressError is not.
  for (const error of backgroundErrors) expect((error as { code?: unknown }).code).toBeTypeOf('string')
})

// ---------------------------------------------------------------------------------------------------
// Generators

const known = () => finished.map((task) => task.taskId)

/** Task ids: real ones, real ones with one character changed (also to non-ASCII), and junk. */
const taskIdLike: fc.Arbitrary<string> = fc.oneof(
  fc.nat().map((i) => known()[i % known().length]!),
  fc.tuple(fc.nat(), fc.nat({ max: 21 }), fc.integer({ min: 1, max: 0xffff })).map(([i, at, code]) => {
    const id = known()[i % known().length]!
    return id.slice(0, at) + String.fromCharCode(code) + id.slice(at + 1)
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 21 }), fc.integer({ min: 1, max: 255 })).map(([i, at, high]) => {
    // The same character seen through latin1 (U+0141 → 0x41 'A'): must not alias the real id.
    const id = known()[i % known().length]!
    return id.slice(0, at) + String.fromCharCode(id.charCodeAt(at) + 256 * high) + id.slice(at + 1)
  }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{20,24}$/),
  fc.constantFrom('', '..', '.', '%2F', '%00', '__proto__', 'constructor', 'a'.repeat(5000)),
)

/** `encodeURIComponent`, with lone surrogates (which it refuses) replaced by U+FFFD. */
const encode = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udfff]/gu, '\ufffd'))

const segment = taskIdLike.map(encode)

const routePath: fc.Arbitrary<string> = fc.oneof(
  fc.constant('/generate'),
  fc.constant('/generate/'),
  segment.map((id) => `/progress/${id}`),
  fc.constant('/progress'),
  segment.map((id) => `/tasks/${id}`),
  segment.map((id) => `/tasks/${id}/cancel`),
  segment.map((id) => `/tasks/${id}/preview`),
  segment.map((id) => `/image/${id}.png`),
  fc.constant('/health'),
  fc.webPath(),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => `/${encode(text)}`),
)

const queryValue: fc.Arbitrary<string> = fc.oneof(
  taskIdLike,
  fc.array(taskIdLike, { maxLength: 6 }).map((ids) => ids.join(',')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('0', '1', '-1', '99999999999999999999', 'NaN'),
)

const query: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('tasks', 'lastEventId', 'sig', 'subfolder', 'type'),
        fc.string({ maxLength: 8 }),
      ),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`))

/** A valid generate body, then JSON damage at random paths. */
const validBody = () => ({
  workflow: loadWorkflow('txt2img-basic.json'),
  workflowName: 'txt2img',
  prompt: 'a lighthouse at dusk',
  result: { seed: 1, uid: 2 },
})

const jsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(1e308, -1, '', '__proto__', null, [], {}, 'x'.repeat(20_000)),
  fc.record({
    url: fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom('http://127.0.0.1/', 'file:///etc/passwd')),
    events: fc.option(fc.array(fc.string({ maxLength: 12 }), { maxLength: 9 }), { nil: undefined }),
    secret: fc.option(fc.oneof(fc.string(), fc.constant('whsec_' + 'A'.repeat(32))), { nil: undefined }),
  }),
)

function damage(body: unknown, steps: readonly [readonly number[], unknown][]): unknown {
  for (const [path, value] of steps) {
    if (typeof body !== 'object' || body === null) return value
    let node = body as Record<string, unknown>
    for (let i = 0; i < path.length - 1; i++) {
      const keys = Object.keys(node)
      const next = keys.length === 0 ? undefined : node[keys[path[i]! % keys.length]!]
      if (typeof next !== 'object' || next === null) break
      node = next as Record<string, unknown>
    }
    const keys = [...Object.keys(node), 'webhook', 'workflow', 'extra']
    const key = keys[path.at(-1)! % keys.length]!
    if (value === undefined) delete node[key]
    else node[key] = structuredClone(value) // a fresh copy: constants are shared between runs
  }
  return body
}

const generateBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.option(jsonLeaf, { nil: undefined })),
        { maxLength: 4 },
      )
      .map((steps) => JSON.stringify(damage(validBody(), steps)) ?? ''),
  },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"workflow":' + '['.repeat(5000), 'x'.repeat(MAX_BODY + 1), '\uFEFF{}', ''),
  },
)

interface FuzzRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string | Uint8Array
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path: routePath,
    query,
    prefix: fc.constantFrom('/api', '', '/api/api', '/x'),
    contentType: fc.option(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/vnd.x+json',
        'multipart/form-data',
        '',
      ),
      { nil: undefined },
    ),
    lastEventId: fc.option(
      queryValue.filter((value) => /^[\x20-\x7e]*$/.test(value)),
      { nil: undefined },
    ),
    body: generateBody,
  })
  .map(({ method, path, query: search, prefix, contentType, lastEventId, body }) => ({
    method,
    path: prefix + path + search,
    headers: {
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  }))

// ---------------------------------------------------------------------------------------------------
// Checks

const CODES = new Set(Object.keys(errorCodes))

/** Checks one answer and releases it (an SSE stream is cancelled). */
async function checkAnswer(request: FuzzRequest, response: Response): Promise<void> {
  const { status } = response
  const type = response.headers.get('content-type') ?? ''
  expect(status).not.toBe(500)
  if (request.method === 'HEAD') {
    // No body to read: the status must still be a route's answer or a coded error's.
    expect(status === 200 || status === 204 || (status >= 400 && status < 500) || status === 503).toBe(true)
    await response.body?.cancel()
    return
  }
  if (status >= 400) {
    expect(type).toMatch(/^application\/json/)
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } }
    const code = body.error?.code as keyof typeof errorCodes
    expect(CODES.has(code)).toBe(true)
    expect(body.error?.message).toBeTypeOf('string')
    expect(status).toBe(statusForError(code))
    return
  }
  if (type.startsWith('text/event-stream')) {
    await response.body?.cancel()
    return
  }
  if (status === 202) {
    const body = (await response.json()) as { taskId: string }
    expect(request.method).toBe('POST')
    expect(body.taskId).toMatch(TASK_ID)
    return
  }
  await response.body?.cancel()
  expect([200, 204]).toContain(status)
}

function toRequest(input: FuzzRequest, base = 'http://localhost'): Request | undefined {
  try {
    return new Request(base + input.path, {
      method: input.method,
      headers: input.headers,
      ...(input.body === undefined ? {} : { body: input.body }),
    })
  } catch {
    return undefined // a request no client could send (fetch refuses it)
  }
}

// ---------------------------------------------------------------------------------------------------
// Raw HTTP/1.1 on a socket: request targets and framings no fetch client sends

const rawTarget: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '//',
    '/\\',
    '//[',
    '*',
    '/api//generate',
    'http://localhost/api/health',
    '/api/progress/%',
    '/api/progress?tasks=%',
    '/api/tasks/%E0%A4%A',
    '/api/image/%FF.png?sig=%FF',
    '/api/image/..%2F..%2Fetc%2Fpasswd?sig=AAAAAAAAAAAAAAAAAAAAAA',
  ),
  fc
    .tuple(fc.constantFrom('/api', ''), routePath, query)
    .map(([prefix, path, search]) => prefix + path + search),
  fc.string({ unit: 'grapheme-ascii', maxLength: 30 }).map((text) => `/${text.replaceAll(/[\s]/g, '')}`),
)

const rawRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
  target: rawTarget,
  body: generateBody,
  framing: fc.constantFrom('length', 'chunked', 'none', 'short'),
  contentType: fc.constantFrom('application/json', 'text/plain', undefined),
  lastEventId: fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), { nil: undefined }),
})

/** Sends raw bytes, reads until the server closes (or 3 s pass: an SSE stream), returns the text. */
function exchange(bytes: Buffer): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(server.baseUrl).port), '127.0.0.1')
    const chunks: Buffer[] = []
    const done = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed })
    }
    const timer = setTimeout(() => done(false), 3000)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => done(true))
    socket.on('error', () => undefined)
    socket.write(bytes)
  })
}

function decodeChunked(body: string): string {
  let out = ''
  let rest = body
  for (;;) {
    const eol = rest.indexOf('\r\n')
    const size = parseInt(rest.slice(0, eol), 16)
    if (eol < 0 || !(size > 0)) return out
    out += rest.slice(eol + 2, eol + 2 + size)
    rest = rest.slice(eol + 2 + size + 2)
  }
}

// ---------------------------------------------------------------------------------------------------

describe(SUITE, () => {
  it(
    'answers every fuzzed request (fetch adapter) with a coded error or a success; old tasks untouched',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'all routes, fetch adapter', defaultRuns: 400 },
        fc.asyncProperty(fuzzRequest, async (input) => {
          const request = toRequest(input)
          if (request === undefined) return
          await checkAnswer(input, await handle(request))
          expect(await snapshot()).toEqual(snapshots)
        }),
      )
    },
    fuzzTimeout(),
  )

  it(
    'answers every fuzzed request over real HTTP (node adapter) alike; old tasks untouched',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'all routes, node adapter on loopback', defaultRuns: 60, share: 0.1 },
        fc.asyncProperty(fuzzRequest, async (input) => {
          if (toRequest(input) === undefined) return
          const controller = new AbortController()
          const response = await fetch(server.baseUrl + input.path, {
            method: input.method,
            headers: input.headers,
            signal: controller.signal,
            ...(input.body === undefined ? {} : { body: input.body }),
          })
          try {
            await checkAnswer(input, response)
          } finally {
            controller.abort()
          }
          expect(await snapshot()).toEqual(snapshots)
        }),
      )
    },
    fuzzTimeout(),
  )

  it(
    'answers raw HTTP/1.1 requests (odd targets, chunked, lying Content-Length) with a coded error or a success',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'all routes, raw HTTP/1.1 on a socket', defaultRuns: 40, share: 0.05 },
        fc.asyncProperty(rawRequest, async (input) => {
          const body = Buffer.from(input.method === 'GET' || input.method === 'HEAD' ? '' : input.body)
          const head = [
            `${input.method} ${input.target} HTTP/1.1`,
            'Host: 127.0.0.1',
            'Connection: close',
            ...(input.contentType === undefined ? [] : [`Content-Type: ${input.contentType}`]),
            ...(input.lastEventId === undefined ? [] : [`Last-Event-ID: ${input.lastEventId}`]),
          ]
          let payload = Buffer.alloc(0)
          if (input.framing === 'length' || input.framing === 'short') {
            head.push(
              `Content-Length: ${input.framing === 'short' ? Math.floor(body.length / 2) : body.length}`,
            )
            payload = body
          } else if (input.framing === 'chunked') {
            head.push('Transfer-Encoding: chunked')
            const chunk =
              body.length > 0 ? `${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n` : ''
            payload = Buffer.from(`${chunk}0\r\n\r\n`, 'latin1')
          }
          const { text } = await exchange(
            Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), payload]),
          )
          const status = /^HTTP\/1\.1 (\d{3})/.exec(text)
          expect(status).not.toBeNull() // every request gets an answer
          const code = Number(status![1])
          expect(code).not.toBe(500)
          const [headers = '', rawBody = ''] =
            text.split('\r\n\r\n', 2).length === 2
              ? [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)]
              : [text, '']
          const json = /content-type: application\/json/i.test(headers)
          if (code >= 400 && input.method !== 'HEAD') {
            if (!json) {
              // Only Node's own HTTP parser answers without JSON, and only to requests it cannot read.
              expect([400, 413, 414, 431, 501, 505]).toContain(code)
            } else {
              const bodyText = /transfer-encoding: chunked/i.test(headers) ? decodeChunked(rawBody) : rawBody
              const parsed = JSON.parse(Buffer.from(bodyText, 'latin1').toString('utf8')) as {
                error: { code: keyof typeof errorCodes; message: string }
              }
              expect(CODES.has(parsed.error.code)).toBe(true)
              expect(code).toBe(statusForError(parsed.error.code))
            }
          }
          expect(await snapshot()).toEqual(snapshots)
        }),
      )
    },
    fuzzTimeout(),
  )
})

// ---------------------------------------------------------------------------------------------------
// SSE resume cursors

/**
 * What the server must answer, computed independently of its code: an error code (several when more
 * than one problem applies and either may be reported first), 204 (the client has every terminal
 * event), or a replay of each task after its cursor position (`undefined`: from its current state).
 */
type Expected =
  | { kind: 'refused'; codes: string[] }
  | { kind: 'done' }
  | { kind: 'replay'; after: Map<string, number | undefined> }

const DIGITS = /^(?:0|[1-9][0-9]{0,15})$/
const refused = (...codes: string[]): Expected => ({ kind: 'refused', codes })

function expected(taskIds: readonly string[], cursor: string): Expected {
  const after = new Map<string, number | undefined>(taskIds.map((id) => [id, undefined]))
  if (cursor !== '') {
    if (cursor.length > 4096) return refused('INVALID_LAST_EVENT_ID')
    if (DIGITS.test(cursor)) {
      if (taskIds.length !== 1 || !Number.isSafeInteger(Number(cursor)))
        return refused('INVALID_LAST_EVENT_ID')
      after.set(taskIds[0]!, Number(cursor))
    } else {
      const seen = new Set<string>()
      for (const part of cursor.split(',')) {
        const colon = part.indexOf(':')
        const id = part.slice(0, colon)
        const seq = part.slice(colon + 1)
        if (colon < 0 || !TASK_ID.test(id) || !DIGITS.test(seq) || seen.has(id))
          return refused('INVALID_LAST_EVENT_ID')
        // Pairs of tasks the stream does not follow are ignored (documented), even if their number is too large.
        if (after.has(id) && !Number.isSafeInteger(Number(seq))) return refused('INVALID_LAST_EVENT_ID')
        seen.add(id)
        if (after.has(id)) after.set(id, Number(seq))
      }
    }
  }
  const codes = new Set<string>()
  for (const [id, seq] of after) {
    const task = finished.find((t) => t.taskId === id)
    if (task === undefined) codes.add('TASK_NOT_FOUND')
    else if (seq !== undefined && seq > task.events) codes.add('INVALID_LAST_EVENT_ID')
  }
  if (codes.size > 0) return refused(...codes)
  const done = [...after].every(([id, seq]) => seq === finished.find((t) => t.taskId === id)!.events)
  return done ? { kind: 'done' } : { kind: 'replay', after }
}

/** The `tasks` query as the server reads it: ids checked, deduplicated, counted. */
function expectedIds(list: string): string[] | Expected {
  if (list === '') return refused('INVALID_TASK_IDS')
  const ids = [...new Set(list.split(','))]
  if (!ids.every((id) => TASK_ID.test(id))) return refused('INVALID_TASK_IDS')
  if (ids.length > 4) return refused('TOO_MANY_TASK_IDS')
  return ids
}

const cursorPart: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      taskIdLike,
      fc.oneof(
        fc.nat({ max: 40 }).map(String),
        fc.constantFrom('', '00', '01', '-1', '1e3', '9007199254740993', '99999999999999999'),
      ),
    )
    .map(([id, seq]) => `${id}:${seq}`),
  fc.nat({ max: 40 }).map((seq) => `${known()[seq % 2]}:${seq}`),
)

const cursor: fc.Arbitrary<string> = fc.oneof(
  fc.nat({ max: 60 }).map(String),
  fc.constantFrom('', '00', '-1', ' 1', '1 ', '+1', '0x1', '9007199254740993', '1'.repeat(17), ','.repeat(3)),
  fc.array(cursorPart, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(',')),
  fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
)

/** Reads a whole SSE body (the followed tasks are finished, so the server ends it) into `id:` lines. */
async function readIds(response: Response): Promise<string[]> {
  const text = await response.text()
  return text
    .split('\n')
    .filter((line) => line.startsWith('id: '))
    .map((line) => line.slice(4))
}

describe(SSE_SUITE, () => {
  it(
    'resumes every fuzzed cursor exactly, or refuses it with INVALID_LAST_EVENT_ID',
    async () => {
      await runFuzz(
        { suite: SSE_SUITE, property: 'Last-Event-ID header / lastEventId query', defaultRuns: 400 },
        fc.asyncProperty(
          fc.record({
            multi: fc.boolean(),
            which: fc.nat({ max: 1 }),
            single: fc.oneof(
              fc.nat().map((i) => known()[i % 2]!),
              fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
              fc
                .tuple(fc.nat(), fc.nat({ max: 21 }), fc.constantFrom('-', '_', 'A', '9', '.', '~'))
                .map(([i, at, char]) => known()[i % 2]!.slice(0, at) + char + known()[i % 2]!.slice(at + 1)),
            ),
            list: fc.array(
              fc.oneof(
                fc.nat().map((i) => known()[i % 2]!),
                taskIdLike,
              ),
              { minLength: 1, maxLength: 5 },
            ),
            header: fc.option(cursor, { nil: undefined }),
            query: fc.option(cursor, { nil: undefined }),
          }),
          async ({ multi, single, list, header, query: queryCursor }) => {
            const search = new URLSearchParams()
            if (multi) search.set('tasks', list.join(','))
            if (queryCursor !== undefined) search.set('lastEventId', queryCursor)
            const path = multi ? '/api/progress' : `/api/progress/${single}`
            let request: Request
            try {
              request = new Request(`http://localhost${path}?${search.toString()}`, {
                headers: header === undefined ? {} : { 'last-event-id': header },
              })
            } catch {
              return // a header value fetch refuses (a client cannot send it)
            }
            const url = new URL(request.url)
            const sent = request.headers.get('last-event-id') || (url.searchParams.get('lastEventId') ?? '')
            const ids = multi
              ? expectedIds(url.searchParams.get('tasks') ?? '')
              : TASK_ID.test(single)
                ? [single]
                : refused('INVALID_TASK_IDS')
            const want = Array.isArray(ids) ? expected(ids, sent) : ids
            const response = await handle(request)
            if (want.kind === 'refused') {
              const body = (await response.json()) as { error: { code: keyof typeof errorCodes } }
              expect(want.codes).toContain(body.error.code)
              expect(response.status).toBe(statusForError(body.error.code))
            } else if (want.kind === 'done') {
              expect(response.status).toBe(204)
            } else {
              expect(response.status).toBe(200)
              const taskIds = [...want.after.keys()]
              const received = await readIds(response)
              // Each task's replay: the events after its cursor, or its latest (current state) without one.
              const replayed = new Map<string, number[]>()
              for (const id of received) {
                if (multi) {
                  for (const pair of id.split(',')) {
                    const [taskId, seq] = pair.split(':') as [string, string]
                    replayed.set(taskId, [...(replayed.get(taskId) ?? []), Number(seq)])
                  }
                } else replayed.set(taskIds[0]!, [...(replayed.get(taskIds[0]!) ?? []), Number(id)])
              }
              expect([...replayed.keys()].every((id) => taskIds.includes(id))).toBe(true)
              for (const task of finished.filter((t) => taskIds.includes(t.taskId))) {
                const after = want.after.get(task.taskId)
                const last = Math.max(...(replayed.get(task.taskId) ?? [0]))
                expect(last).toBe(task.events) // every stream reaches the terminal event
                if (!multi && after !== undefined) {
                  expect(replayed.get(task.taskId)).toEqual(
                    Array.from({ length: task.events - after }, (_, i) => after + 1 + i),
                  )
                }
              }
            }
            expect(await snapshot()).toEqual(snapshots)
          },
        ),
      )
    },
    fuzzTimeout(),
  )

  it(
    'resumes a live task exactly under random interleavings of appends, publishes and reconnects',
    async () => {
      // A task store and bus of their own, written the way TaskRun writes them (append, then publish),
      // so that the order of events against connecting readers is the fuzzer's to choose.
      const liveStore = new MemoryTaskStore({ taskTtlMs: 3_600_000 })
      const liveBus = new MemoryEventBus()
      const liveTasks = new TaskManager({ client, store: liveStore, bus: liveBus })
      const liveHandle = createFetchHandler({ tasks: liveTasks, retryMs: 20 })
      const reader = fc.record({
        joinAt: fc.nat(),
        cursor: fc.option(fc.nat(), { nil: undefined }),
        viaHeader: fc.boolean(),
        multi: fc.boolean(),
      })
      try {
        await runFuzz(
          {
            suite: SSE_SUITE,
            property: 'live task: resume under interleavings',
            defaultRuns: 100,
            share: 0.1,
          },
          fc.asyncProperty(
            fc.integer({ min: 1, max: 10 }),
            fc.array(reader, { minLength: 1, maxLength: 4 }),
            fc.array(fc.nat({ max: 3 }), { minLength: 12, maxLength: 12 }),
            async (count, readers, yields) => {
              const taskId = createTaskId()
              await liveStore.create({ taskId })
              const results: Promise<{ cursor: number | undefined; status: number; seqs: number[] }>[] = []
              const connect = (r: (typeof readers)[number], stored: number) => {
                const cursor = r.cursor === undefined ? undefined : r.cursor % (stored + 1)
                const path = r.multi ? `/progress?tasks=${taskId}` : `/progress/${taskId}`
                const value =
                  cursor === undefined ? undefined : r.multi ? `${taskId}:${cursor}` : String(cursor)
                const url = new URL(`http://localhost${path}`)
                if (value !== undefined && !r.viaHeader) url.searchParams.set('lastEventId', value)
                const request = new Request(url, {
                  headers: value !== undefined && r.viaHeader ? { 'last-event-id': value } : {},
                })
                results.push(
                  liveHandle(request).then(async (response) => {
                    const ids = response.status === 200 ? await readIds(response) : []
                    const seqs = ids.map((id) => Number(r.multi ? id.split(':')[1] : id))
                    return { cursor, status: response.status, seqs }
                  }),
                )
              }
              for (let stored = 0; stored <= count; stored++) {
                for (const r of readers) if (r.joinAt % (count + 1) === stored) connect(r, stored)
                if (stored === count) break
                const event = stored + 1 === count ? completed(taskId) : inProgress(taskId, stored + 1)
                const entry = await liveStore.append(taskId, event)
                for (let i = 0; i < yields[stored]!; i++) await Promise.resolve()
                void liveBus.publish(entry)
              }
              for (const result of await Promise.all(results)) {
                if (result.cursor === count) {
                  expect(result.status).toBe(204) // the client already has the terminal event
                  continue
                }
                expect(result.status).toBe(200)
                const first = result.cursor === undefined ? result.seqs[0]! : result.cursor + 1
                // Exactly the events after the cursor (or from the current state), in order, to the end.
                expect(result.seqs).toEqual(Array.from({ length: count - first + 1 }, (_, i) => first + i))
              }
            },
          ),
        )
      } finally {
        await liveTasks.close()
      }
    },
    fuzzTimeout(),
  )
})
