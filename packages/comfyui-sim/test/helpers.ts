/**
 * Helpers for the simulator's integration tests: plain `ws` clients that record every frame, and
 * small HTTP helpers. Everything returned is closed by `closeAll()` (call it in `afterEach`).
 */
import { WebSocket } from 'ws'
import { createComfyUiSim, type ComfyUiSim, type ComfyUiSimOptions } from '../src/index.js'

/** A frame as a test sees it. */
export type Frame =
  | {
      readonly kind: 'text'
      readonly type: string
      readonly data: Record<string, unknown>
      readonly raw: string
    }
  | { readonly kind: 'binary'; readonly eventType: number; readonly bytes: Buffer }

/** A text frame; `type` is `(invalid)` when the frame is not JSON (a corrupted frame). */
function parseText(raw: string): Frame {
  try {
    const parsed = JSON.parse(raw) as { type: string; data: Record<string, unknown> }
    return { kind: 'text', type: parsed.type, data: parsed.data, raw }
  } catch {
    return { kind: 'text', type: '(invalid)', data: {}, raw }
  }
}

/** A connected test client. */
export interface TestClient {
  readonly ws: WebSocket
  readonly clientId: string | undefined
  readonly frames: Frame[]
  /** Resolves with the first frame (from `from` on) that matches, waiting for it if needed. */
  waitFor(predicate: (frame: Frame) => boolean, from?: number): Promise<Frame>
  /** Resolves once the socket is closed. */
  closed: Promise<void>
  close(): Promise<void>
}

const disposables: (() => Promise<void>)[] = []

/** Starts a simulator that `closeAll()` will close. */
export async function startSim(options: ComfyUiSimOptions = {}): Promise<ComfyUiSim> {
  const sim = await createComfyUiSim({ speed: 1000, ...options })
  disposables.push(() => sim.close())
  return sim
}

/** Opens a client, optionally sending `feature_flags` first; resolves once its first frame arrived. */
export async function connect(
  sim: { wsUrl: string },
  options: { clientId?: string; featureFlags?: Record<string, unknown>; path?: string } = {},
): Promise<TestClient> {
  const query = options.clientId === undefined ? '' : `?clientId=${options.clientId}`
  const ws = new WebSocket(`${options.path ?? sim.wsUrl}${query}`)
  const frames: Frame[] = []
  const waiters: { predicate: (frame: Frame) => boolean; from: number; resolve: (frame: Frame) => void }[] =
    []
  ws.on('message', (data: Buffer, isBinary) => {
    const frame: Frame = isBinary
      ? { kind: 'binary', eventType: data.readUInt32BE(0), bytes: data }
      : parseText(data.toString('utf8'))
    frames.push(frame)
    for (const waiter of [...waiters]) {
      if (frames.length - 1 >= waiter.from && waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(frame)
      }
    }
  })
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()))
  ws.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused: ${response.statusCode}`)),
    )
    ws.once('error', reject)
  })
  if (options.featureFlags) ws.send(JSON.stringify({ type: 'feature_flags', data: options.featureFlags }))
  const client: TestClient = {
    ws,
    clientId: options.clientId,
    frames,
    closed,
    waitFor(predicate, from = 0) {
      const found = frames.slice(from).find(predicate)
      if (found) return Promise.resolve(found)
      return new Promise((resolve) => waiters.push({ predicate, from, resolve }))
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.terminate()
        await closed
      }
    },
  }
  await client.waitFor(() => true)
  disposables.push(() => client.close())
  return client
}

/** Closes every simulator and client the helpers opened. */
export async function closeAll(): Promise<void> {
  const all = disposables.splice(0).reverse()
  for (const dispose of all) await dispose()
}

/** POSTs JSON and returns the status and parsed body (`undefined` for an empty body). */
export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) })
  const text = await response.text()
  const json = response.headers.get('content-type')?.startsWith('application/json')
  return { status: response.status, body: json ? (JSON.parse(text) as unknown) : text || undefined, text }
}

/** GETs JSON. */
export async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url)
  return response.json()
}

/** Polls `predicate` (yielding to I/O between tries) until it holds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/** Whether a frame is the end of `promptId` (`executing {node: null}`). */
export function isPromptEnd(promptId: string): (frame: Frame) => boolean {
  return (frame) =>
    frame.kind === 'text' &&
    frame.type === 'executing' &&
    frame.data.node === null &&
    frame.data.prompt_id === promptId
}

/** A compact name per frame: the text type, or `binary:<event type>`. */
export function frameName(frame: Frame): string {
  return frame.kind === 'text' ? frame.type : `binary:${frame.eventType}`
}
