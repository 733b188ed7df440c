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

/** A listening server with its base URL and its own `fetch` (HTTP/2 needs one: global fetch speaks 1.1). */
export interface TestServer {
  readonly baseUrl: string
  readonly fetch: (
    url: string | URL,
    init?: { headers?: Record<string, string>; signal?: AbortSignal },
  ) => Promise<Response>
  close(): Promise<void>
}

const FIXTURES = new URL('./fixtures/', import.meta.url)
/** A self-signed certificate for `localhost` and 127.0.0.1, valid for 100 years; test use only. */
export const TLS = {
  cert: readFileSync(new URL('localhost-cert.pem', FIXTURES)),
  key: readFileSync(new URL('localhost-key.pem', FIXTURES)),
}

/** Serves `handler` over plain HTTP/1.1 on 127.0.0.1, on an ephemeral port. */
export async function listenHttp1(handler: NodeHandler): Promise<TestServer> {
  const server: Server = createServer((req, res) => void handler(req, res))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    fetch: (url, init) => fetch(url, init),
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Serves `handler` over HTTP/2 with TLS (no HTTP/1 fallback) on 127.0.0.1, on an ephemeral port. */
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
  const baseUrl = `https://127.0.0.1:${port}`
  const clients = new Set<ClientHttp2Session>()
  return {
    baseUrl,
    fetch: (url, init) => http2Fetch(clients, url, init),
    close: async () => {
      for (const client of clients) client.destroy()
      for (const session of sessions) session.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * A minimal `fetch` over `node:http2` (one session per request, trusting the test certificate): what
 * the `eventsource` package needs to read a stream served over HTTP/2.
 */
async function http2Fetch(
  clients: Set<ClientHttp2Session>,
  input: string | URL,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const url = new URL(input)
  const session = connectHttp2(url.origin, { ca: TLS.cert })
  clients.add(session)
  session.on('close', () => clients.delete(session))
  session.on('error', () => undefined)
  const stream = session.request({ ':method': 'GET', ':path': url.pathname + url.search, ...init.headers })
  const abort = () => session.destroy()
  init.signal?.addEventListener('abort', abort, { once: true })
  const [headers] = (await once(stream, 'response')) as [Record<string, string | string[] | undefined>]
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stream.on('data', (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)))
      stream.on('end', () => {
        controller.close()
        session.close()
      })
      stream.on('error', (error) => controller.error(error))
      stream.on('close', () => {
        try {
          controller.close()
        } catch {
          // already closed or errored
        }
      })
    },
    cancel: abort,
  })
  const responseHeaders = new Headers()
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item)
  }
  const status = Number(headers[':status'])
  return new Response(status === 204 ? null : body, { status, headers: responseHeaders })
}
