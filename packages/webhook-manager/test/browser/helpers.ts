/**
 * Browser test tools, shared by `@comfy-progress/webhook-manager` and `@comfy-progress/progress-banner`:
 * - {@link startTestSite}: a real `node:http` server on 127.0.0.1:0 that serves a test page, its
 *   esbuild bundle and the SSE route `GET …/progress?tasks=…`, counts the open streams, and injects
 *   faults in front of the route (HTTP errors, a wrong content type, streams cut mid-task);
 * - SSE backends behind it: {@link createWireBackend}, a small implementation of the wire format of
 *   ARCHITECTURE.md (per-status `event:`, cursor `id:`, `retry:`, heartbeats, resume by `lastEventId`,
 *   404/410, close after the terminal events); the real `@comfy-progress/server` SSE handler over a
 *   memory store (`realServer.ts`); and the whole real pipeline, ComfyUI simulator → ComfyClient →
 *   TaskManager → every route under `/api` (`pipeline.ts`);
 * - {@link recordedTaskEvents}: the task events of a recorded real ComfyUI run (fixtures/comfyui),
 *   through core's `reduceProgress` and `createTaskEvent`, so the page sees real progress;
 * - {@link launchChromium}: Debian's Chromium through playwright-core.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import {
  type ComfyMessage,
  createTaskEvent,
  initialProgressState,
  parseRecording,
  reduceProgress,
  type TaskEvent,
  type TaskResult,
} from '@comfy-progress/core'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { expect } from 'vitest'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const FIXTURES = `${ROOT}fixtures/comfyui/`

// ---------------------------------------------------------------------------------------------------
// Chromium

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

/** Bundles a page entry (TS/TSX) for the browser, resolving workspace packages to their sources. */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['@comfy-progress/source'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: 'inline',
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

// ---------------------------------------------------------------------------------------------------
// Recorded task events

/** A 22-character base64url task id, the shape the server makes (`createTaskId`). */
export function testTaskId(label: string): string {
  return `${label}${'_'.repeat(22)}`.slice(0, 22).replace(/[^\w-]/g, '-')
}

/**
 * The task events a server would publish for a recorded real ComfyUI run: the recording's text frames
 * folded through core's `reduceProgress`, one event per state change (`createTaskEvent`), stamped
 * from `start` plus the recorded times.
 */
export function recordedTaskEvents(
  recording: string,
  taskId: string,
  options: { result?: TaskResult; start?: number; preview?: string } = {},
): TaskEvent[] {
  const { meta, entries } = parseRecording(readFileSync(`${FIXTURES}${recording}`, 'utf8'))
  const workflows = meta.workflows as string[]
  const workflow = JSON.parse(readFileSync(`${FIXTURES}workflows/${workflows[0]}`, 'utf8')) as Parameters<
    typeof initialProgressState
  >[0]['workflow']
  const objectInfo = JSON.parse(readFileSync(`${FIXTURES}object_info.json`, 'utf8')) as Parameters<
    typeof initialProgressState
  >[0]['objectInfo']
  const promptId = (meta.prompt_ids as string[])[0]!
  const start = options.start ?? Date.parse('2025-11-25T12:34:56.789Z')
  const result = options.result ?? { imageUrl: '/image/image_123.png', prompt: 'a lighthouse', seed: 12345 }
  const preview = options.preview === undefined ? undefined : { url: options.preview }
  let state = initialProgressState({ workflow, objectInfo, promptId })
  const events = [createTaskEvent(taskId, state, { now: start })]
  for (const entry of entries) {
    if (entry.ch !== 'ws' || entry.kind !== 'text') continue
    const next = reduceProgress(state, entry.data as ComfyMessage, entry.t)
    if (next === state) continue
    state = next
    const running = state.phase === 'running' && state.maxValue > 0
    events.push(
      createTaskEvent(taskId, state, {
        now: start + entry.t,
        result,
        preview: running ? preview : undefined,
      }),
    )
  }
  return events
}

/** The first recorded preview image (a real latent2rgb JPEG from ComfyUI) of a recording. */
export function recordedPreviewJpeg(recording = '01-txt2img-basic.jsonl'): Uint8Array {
  const { entries } = parseRecording(readFileSync(`${FIXTURES}${recording}`, 'utf8'))
  for (const entry of entries) {
    if (entry.ch === 'ws' && entry.kind === 'binary' && entry.b64 !== undefined) {
      // ComfyUI's binary frame: 4 bytes event type, 4 bytes image type, then the image.
      return new Uint8Array(Buffer.from(entry.b64, 'base64').subarray(8))
    }
  }
  throw new Error(`no preview image in ${recording}`)
}

// ---------------------------------------------------------------------------------------------------
// SSE backends

/** Where the tasks live and how `/progress` is answered: the wire backend below, or the real server. */
export interface SseBackend {
  readonly name: string
  /** Answers `GET …/progress…` (and, for a backend that serves a whole app, every `/api/…` route). */
  handle(req: IncomingMessage, res: ServerResponse): void
  createTask(taskId: string): Promise<void>
  /** Publishes an event of a task; resolves with its sequence number. */
  push(event: TaskEvent): Promise<number>
  /** Makes a task answer 410 from now on (backends that can). */
  expire?(taskId: string): Promise<void>
  close(): Promise<void>
}

interface WireTask {
  readonly events: { seq: number; event: TaskEvent }[]
  expired: boolean
}

interface WireStream {
  readonly taskIds: readonly string[]
  readonly written: Map<string, number>
  readonly finished: Set<string>
  readonly res: ServerResponse
  heartbeat: NodeJS.Timeout
}

const TERMINAL = new Set(['completed', 'error', 'cancelled'])

/**
 * A small, independent implementation of the SSE wire format of ARCHITECTURE.md and of
 * `@comfy-progress/server`'s cursor (`taskId:seq,…`), for tests to run before and beside the real
 * server: `retry:` first, then each task's current state (or its events after the client's cursor),
 * then live events; `event:` is the status, `id:` the stream's cursor; `: ping` heartbeats; the
 * stream closes once every task has sent its terminal event; 404 `TASK_NOT_FOUND` for an unknown task,
 * 410 `TASK_EXPIRED` for an expired one.
 */
export function createWireBackend(): SseBackend {
  const tasks = new Map<string, WireTask>()
  const streams = new Set<WireStream>()

  const write = (stream: WireStream, seq: number, event: TaskEvent) => {
    if ((stream.written.get(event.taskId) ?? 0) >= seq) return
    stream.written.set(event.taskId, seq)
    const cursor = stream.taskIds
      .filter((id) => stream.written.has(id))
      .map((id) => `${id}:${stream.written.get(id)}`)
      .join(',')
    stream.res.write(`event: ${event.status}\ndata: ${JSON.stringify(event)}\nid: ${cursor}\n\n`)
    if (TERMINAL.has(event.status)) stream.finished.add(event.taskId)
    if (stream.finished.size === stream.taskIds.length) stream.res.end()
  }

  return {
    name: 'wire',
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const taskIds = [...new Set((url.searchParams.get('tasks') ?? '').split(','))].filter(Boolean)
      const raw =
        (req.headers['last-event-id'] as string | undefined) || url.searchParams.get('lastEventId') || ''
      const cursor = new Map(
        raw
          .split(',')
          .filter(Boolean)
          .map((pair) => [pair.split(':')[0]!, Number(pair.split(':')[1])] as const),
      )
      for (const taskId of taskIds) {
        const task = tasks.get(taskId)
        if (task === undefined || task.expired) {
          const [status, code] = task === undefined ? [404, 'TASK_NOT_FOUND'] : [410, 'TASK_EXPIRED']
          res.writeHead(status, { 'Content-Type': 'application/json' })
          res.end(JSON.stringify({ error: { code, message: `comfy-progress: ${code}` } }))
          return
        }
      }
      if (taskIds.length === 0) {
        res.writeHead(400, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 'INVALID_TASK_IDS', message: 'no task' } }))
        return
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' })
      res.write('retry: 3000\n\n')
      const stream: WireStream = {
        taskIds,
        written: new Map([...cursor].filter(([id]) => taskIds.includes(id))),
        finished: new Set(),
        res,
        heartbeat: setInterval(() => res.write(': ping\n\n'), 1000),
      }
      streams.add(stream)
      res.on('close', () => {
        clearInterval(stream.heartbeat)
        streams.delete(stream)
      })
      for (const taskId of taskIds) {
        const { events } = tasks.get(taskId)!
        const after = cursor.get(taskId)
        const latest = events.at(-1)
        if (
          after !== undefined &&
          latest !== undefined &&
          latest.seq <= after &&
          TERMINAL.has(latest.event.status)
        ) {
          stream.finished.add(taskId)
        }
        const missed = after === undefined ? events.slice(-1) : events.filter((entry) => entry.seq > after)
        for (const entry of missed) write(stream, entry.seq, entry.event)
      }
      if (stream.finished.size === taskIds.length) res.end()
    },
    createTask(taskId) {
      tasks.set(taskId, { events: [], expired: false })
      return Promise.resolve()
    },
    push(event) {
      const task = tasks.get(event.taskId)!
      const seq = task.events.length + 1
      task.events.push({ seq, event })
      for (const stream of streams) if (stream.taskIds.includes(event.taskId)) write(stream, seq, event)
      return Promise.resolve(seq)
    },
    expire(taskId) {
      tasks.get(taskId)!.expired = true
      return Promise.resolve()
    },
    close() {
      for (const stream of streams) stream.res.destroy()
      return Promise.resolve()
    },
  }
}

// ---------------------------------------------------------------------------------------------------
// The test site: page, bundle, SSE route, faults, connection counts

/** One `GET /progress` request, as the site saw it. */
export interface ProgressRequest {
  readonly tasks: readonly string[]
  readonly lastEventId: string | null
  /** The `Last-Event-ID` header (set only by the browser's own reconnection). */
  readonly lastEventIdHeader: string | null
  /** What the site answered: a fault's status, or `backend`. */
  readonly answer: number | 'backend'
}

/** An answer injected in front of the SSE route. */
export interface Fault {
  readonly status: number
  readonly contentType?: string
  readonly body?: string
}

export interface TestSite {
  readonly url: string
  readonly backend: SseBackend
  /** Every `/progress` request, in order. */
  readonly requests: ProgressRequest[]
  /** `/progress` responses open right now (streams held by browsers). */
  openStreams(): number
  /** The most streams open at once since the last {@link resetCounts}. */
  maxOpenStreams(): number
  resetCounts(): void
  /** Answers the next `count` `/progress` requests with `fault` instead of the backend. */
  failNext(count: number, fault: Fault): void
  /** Cuts every open stream mid-flight (destroys the socket), as a crash or a proxy timeout would. */
  cutStreams(): void
  /** Serves `script` as `/app.js` under a page at `/`. */
  setScript(script: string): void
  /** Serves `bytes` at `path` with a content type. */
  setAsset(path: string, contentType: string, bytes: Uint8Array | string): void
  close(): Promise<void>
}

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>comfy-progress test page</title>
<style>body { margin: 0; font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330 }
main { padding: 96px 32px 32px; max-width: 720px } main p { line-height: 1.5 }
.stack { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; --cpb-position: relative }
.status-bar { position: fixed; right: 16px; bottom: 12px }</style></head>
<body><main><h1>Image studio</h1><p>Your generations appear here.</p></main><div id="app"></div>
<script src="/app.js"></script></body>
</html>`

/** Starts the test site on 127.0.0.1, port 0, in front of `backend`. */
export async function startTestSite(backend: SseBackend): Promise<TestSite> {
  const requests: ProgressRequest[] = []
  const open = new Set<ServerResponse>()
  const assets = new Map<string, { type: string; bytes: Uint8Array | string }>()
  let max = 0
  const faults: Fault[] = []
  let script = ''

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (/\/progress(\/|$)/.test(url.pathname)) {
      const fault = faults.shift()
      requests.push({
        tasks: (url.searchParams.get('tasks') ?? '').split(',').filter(Boolean),
        lastEventId: url.searchParams.get('lastEventId'),
        lastEventIdHeader: (req.headers['last-event-id'] as string | undefined) ?? null,
        answer: fault?.status ?? 'backend',
      })
      if (fault !== undefined) {
        res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json' })
        res.end(fault.body ?? JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'injected' } }))
        return
      }
      open.add(res)
      max = Math.max(max, open.size)
      res.on('close', () => open.delete(res))
      backend.handle(req, res)
      return
    }
    if (url.pathname.startsWith('/api/')) {
      backend.handle(req, res) // the app's other routes (a backend that serves them: see pipeline.ts)
      return
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      res.end(PAGE)
      return
    }
    if (url.pathname === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' })
      res.end(script)
      return
    }
    const asset = assets.get(url.pathname)
    if (asset !== undefined) {
      res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-store' })
      res.end(asset.bytes)
      return
    }
    res.writeHead(404, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    backend,
    requests,
    openStreams: () => open.size,
    maxOpenStreams: () => max,
    resetCounts: () => {
      max = open.size
      requests.length = 0
    },
    failNext: (count, fault) => {
      for (let index = 0; index < count; index++) faults.push(fault)
    },
    cutStreams: () => {
      for (const res of open) res.socket?.destroy()
    },
    setScript: (text) => {
      script = text
    },
    setAsset: (path, type, bytes) => void assets.set(path, { type, bytes }),
    close: async () => {
      await backend.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Waits until `condition()` holds, checking every 10 ms; fails with `message` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, message: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * `seen` is `published` with, at most, some progress events left out: in publish order, nothing twice,
 * every status change kept, and the same final event.
 */
export function expectCoalescedRun(seen: readonly string[], published: readonly string[]): void {
  let last = -1
  for (const line of seen) {
    const index = published.indexOf(line, last + 1)
    expect(index, `delivered out of order or twice: ${line}`).toBeGreaterThan(last)
    last = index
  }
  const statuses = (lines: readonly string[]) =>
    lines.map((line) => line.split(' ')[0]).filter((status, index, all) => status !== all[index - 1])
  expect(statuses(seen)).toEqual(statuses(published))
  expect(seen.at(-1)).toBe(published.at(-1))
}
