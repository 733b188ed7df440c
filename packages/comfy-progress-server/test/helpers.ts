/**
 * The one place for the server's test helpers: task event builders, a fake clock, and real servers
 * (http, http2 with TLS, the fetch adapter bridged onto Node) that tests close in `afterEach`.
 */
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  connect as connectHttp2,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ClientHttp2Session,
  type ServerHttp2Session,
} from 'node:http2'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { TaskEvent } from '@comfy-progress/core'

// ---------------------------------------------------------------------------------------------------
// Task events

const progress = (percentage: number, currentStep = 'Sampling image...') => ({
  percentage,
  currentStep,
  currentValue: percentage,
  maxValue: 100,
})
const at = (n: number) => new Date(Date.UTC(2025, 10, 25, 12, 0, 0, n)).toISOString()

/** A `queued` event. */
export function queued(taskId: string, queuePosition = 0): TaskEvent {
  return { taskId, status: 'queued', progress: progress(0, 'Queued'), queuePosition, timestamp: at(0) }
}

/** An `in-progress` event at `percentage` (optionally with a long step name, to make big frames). */
export function inProgress(taskId: string, percentage: number, currentStep?: string): TaskEvent {
  return {
    taskId,
    status: 'in-progress',
    progress: progress(percentage, currentStep),
    timestamp: at(percentage),
  }
}

/** A `completed` event. */
export function completed(taskId: string): TaskEvent {
  return {
    taskId,
    status: 'completed',
    progress: progress(100, 'Complete'),
    result: { imageUrl: `/image/${taskId}.png`, prompt: 'a cat', seed: 42, workflow: 'txt2img', uid: 1 },
    timestamp: at(999),
  }
}

/** An `error` event. */
export function failed(taskId: string): TaskEvent {
  return {
    taskId,
    status: 'error',
    progress: progress(40, 'Failed'),
    error: { message: 'Out of memory', details: 'KSampler (node 3)' },
    timestamp: at(998),
  }
}

/** A `cancelled` event. */
export function cancelled(taskId: string): TaskEvent {
  return { taskId, status: 'cancelled', progress: progress(10, 'Cancelled'), timestamp: at(997) }
}

/** A clock that moves only when told to. */
export function createFakeClock(start = Date.UTC(2025, 10, 25, 12)): {
  now: () => number
  advance: (ms: number) => void
} {
  let time = start
  return { now: () => time, advance: (ms) => void (time += ms) }
}

// ---------------------------------------------------------------------------------------------------
// Real servers

/** A request handler in Node's compatibility API, for http/1.1 and http2 alike. */
export type NodeHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => unknown

/** A minimal fetch: enough for the `eventsource` package and for the tests' own requests. */
export type TestFetch = (
  url: string | URL,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<Response>

/** The two transports every adapter is tested over. */
export type Transport = 'http1' | 'http2'

/** A listening server with its base URL and its own `fetch` (HTTP/2 needs one: global fetch speaks 1.1). */
export interface TestServer {
  readonly transport: Transport
  readonly baseUrl: string
  readonly fetch: TestFetch
  /** Cuts every open connection from the server side, as a restarting proxy would. */
  dropConnections(): void
  close(): Promise<void>
}

const FIXTURES = new URL('./fixtures/', import.meta.url)
/** A self-signed certificate for `localhost` and 127.0.0.1, valid for 100 years; test use only. */
export const TLS = {
  cert: readFileSync(new URL('localhost-cert.pem', FIXTURES)),
  key: readFileSync(new URL('localhost-key.pem', FIXTURES)),
}

/** Serves `handler` on 127.0.0.1, on an ephemeral port, over `transport`. */
export function listen(transport: Transport, handler: NodeHandler): Promise<TestServer> {
  return transport === 'http1' ? listenHttp1(handler) : listenHttp2(handler)
}

/** Serves `handler` over plain HTTP/1.1. */
export async function listenHttp1(handler: NodeHandler): Promise<TestServer> {
  const server: Server = createServer((req, res) => void handler(req, res))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    transport: 'http1',
    baseUrl: `http://127.0.0.1:${port}`,
    fetch: (url, init) => fetch(url, init),
    dropConnections: () => server.closeAllConnections(),
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Serves `handler` over HTTP/2 with TLS, without HTTP/1 fallback. */
export async function listenHttp2(handler: NodeHandler): Promise<TestServer> {
  const server: Http2SecureServer = createSecureServer(
    { ...TLS, allowHTTP1: false },
    (req, res) => void handler(req, res),
  )
  const sessions = new Set<ServerHttp2Session>()
  server.on('session', (session) => {
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const clients = new Set<ClientHttp2Session>()
  return {
    transport: 'http2',
    baseUrl: `https://127.0.0.1:${port}`,
    fetch: (url, init) => http2Fetch(clients, url, init),
    dropConnections: () => {
      for (const session of sessions) session.destroy()
    },
    close: async () => {
      for (const client of clients) client.destroy()
      for (const session of sessions) session.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Opens an HTTP/2 session to `origin` that trusts the test certificate. */
export function connectHttp2Client(origin: string): ClientHttp2Session {
  const session = connectHttp2(origin, { ca: TLS.cert })
  session.on('error', () => undefined)
  return session
}

/**
 * A minimal `fetch` over `node:http2` (one session per request): what the `eventsource` package needs
 * to read a stream served over HTTP/2.
 */
async function http2Fetch(
  clients: Set<ClientHttp2Session>,
  input: string | URL,
  init: Parameters<TestFetch>[1] = {},
): Promise<Response> {
  const url = new URL(input)
  const session = connectHttp2Client(url.origin)
  clients.add(session)
  session.on('close', () => clients.delete(session))
  const stream = session.request({
    ':method': init.method ?? 'GET',
    ':path': url.pathname + url.search,
    ...init.headers,
  })
  stream.end(init.body)
  // Aborting before the response cancels the pending stream with an error; the close below reports it.
  stream.on('error', () => undefined)
  const abort = () => session.destroy()
  init.signal?.addEventListener('abort', abort, { once: true })
  const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    stream.once('response', resolve)
    stream.once('close', () => reject(new Error('the HTTP/2 stream closed before a response')))
  })
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (error?: Error) => {
        try {
          if (error) controller.error(error)
          else controller.close()
        } catch {
          // already closed or errored
        }
        session.close()
      }
      stream.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)))
      stream.on('end', () => finish())
      stream.on('error', (error) => finish(error))
      stream.on('close', () => finish(stream.rstCode ? new Error(`RST_STREAM ${stream.rstCode}`) : undefined))
    },
    cancel: abort,
  })
  const responseHeaders = new Headers()
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item)
  }
  const status = Number(headers[':status'])
  if (status === 204) session.close()
  return new Response(status === 204 ? null : body, { status, headers: responseHeaders })
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/**
 * Serves a fetch-style handler on Node, the way @hono/node-server and similar bridges do: a web
 * `Request` whose signal aborts when the client goes away, and the `Response` body piped back with
 * backpressure (the next chunk is read only after the previous one drained).
 */
export function bridgeFetchHandler(handler: (request: Request) => Promise<Response>): NodeHandler {
  return async (req, res) => {
    const controller = new AbortController()
    res.once('close', () => controller.abort())
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith(':') || value === undefined) continue
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
    }
    const host = req.headers.host ?? req.headers[':authority'] ?? 'localhost'
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const request = new Request(`http://${String(host)}${req.url}`, {
      method: req.method,
      headers,
      signal: controller.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    })
    const response = await handler(request)
    const target = res as ServerResponse
    target.writeHead(response.status, Object.fromEntries(response.headers))
    if (response.body === null) {
      target.end()
      return
    }
    const reader = response.body.getReader()
    res.once('close', () => void reader.cancel().catch(() => undefined))
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        if (!target.write(value)) {
          await drainOrClose(target)
          if (target.destroyed) throw new Error('client gone')
        }
      }
      target.end()
    } catch {
      await reader.cancel().catch(() => undefined)
      target.destroy()
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// SSE text

/** One dispatched SSE event, or a comment, as a test reads it off the wire. */
export interface ParsedSse {
  readonly event?: string
  readonly id?: string
  readonly data?: string
  readonly retry?: number
  readonly comment?: string
}

/**
 * Splits SSE text into blocks (one per blank line) and reads each block's fields, strictly as the
 * server writes them (`name: value`). Enough to assert on our own output; real clients are tested with
 * the `eventsource` package.
 */
export function parseSseText(text: string): ParsedSse[] {
  const blocks = text.split('\n\n')
  blocks.pop()
  return blocks.map((block) => {
    const fields: Record<string, string | number> = {}
    const data: string[] = []
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon)
      const value = line.slice(colon + 2)
      if (name === '') fields.comment = value
      else if (name === 'data') data.push(value)
      else if (name === 'retry') fields.retry = Number(value)
      else fields[name] = value
    }
    if (data.length > 0) fields.data = data.join('\n')
    return fields
  })
}

// ---------------------------------------------------------------------------------------------------
// Recorded workflows

/** A workflow submitted in the recordings, from `fixtures/comfyui/workflows/` (e.g. `'txt2img-basic.json'`). */
export function loadWorkflow(
  name: string,
): Record<string, { class_type: string; inputs: Record<string, unknown> }> {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/comfyui/workflows/${name}`, import.meta.url), 'utf8'),
  ) as ReturnType<typeof loadWorkflow>
}
