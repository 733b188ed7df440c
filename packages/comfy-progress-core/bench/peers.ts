/**
 * The two ComfyUI clients people use today, driven through the exact code that runs when their
 * WebSocket receives a frame, with no network: each client is given a stub WebSocket class (through
 * the option each offers for a custom implementation), its socket is created the way its own connect
 * path creates it, and the handler it installs on that socket is called with each recorded frame,
 * shaped as its real socket would deliver it. On top, per tracked prompt, the progress listener the
 * client's own run path registers (the least a user following progress has).
 *
 * - `@stable-canvas/comfyui-client` (Client): `init()` → `createSocket()` sets `binaryType =
 *   'arraybuffer'` and adds a `message` listener (async). Text: `JSON.parse`, a `switch` on the type,
 *   an eventemitter3 emit, the "unhandled" check. Binary (ArrayBuffer, as its socket delivers it):
 *   `readBinaryData` (type 1: a `Blob` of the image; type 4: metadata `JSON.parse` + `Blob`), emits,
 *   and `await blob.arrayBuffer()` for its `image_data` event; the pass awaits every handler's promise.
 *   Progress: `client.on_progress(fn, promptId)` per prompt, as `enqueue(…, { progress })` registers it.
 * - `@saintno/comfyui-sdk` (ComfyApi): the private `createSocket()` (what `init()` calls once it has
 *   pinged the server) sets `socket.onmessage`; its liveness interval is cleared right away. Text:
 *   `JSON.parse`, `CustomEvent` dispatches ("all", then the type) on its `EventTarget`. Binary: a
 *   Node `Buffer` (what `ws` delivers with its default `binaryType`), copied byte by byte into an
 *   `ArrayBuffer`, type 1 → a `Blob` + dispatch; type 4 is not supported: it throws inside the handler
 *   and is caught and logged (a "log" `CustomEvent`). Progress: a `progress` listener per prompt doing
 *   what `CallWrapper.handleProgress` does (prompt-id check, start flag, callback).
 *
 * Neither peer computes an overall percentage: their "progress" is the node-level `progress` frame
 * passed through; comfy-progress folds every frame into a per-prompt state (percentage, nodes, ETA).
 */
import { Client } from '@stable-canvas/comfyui-client'
import { ComfyApi } from '@saintno/comfyui-sdk'

/** One recorded frame as a peer's socket hands it over. */
export type PeerFrame = string | ArrayBuffer | Buffer

/** A peer client wired to a stub socket: feed frames, read what its progress listeners saw. */
export interface PeerDriver {
  /** Delivers one frame to the client's socket handler; a promise when the handler is async. */
  readonly deliver: (data: PeerFrame) => unknown
  /** Progress callbacks fired so far (to check the path really ran). */
  readonly progressCalls: () => number
  /** Stops the client (no timers or sockets left). */
  readonly close: () => void
}

type Listener = (event: { data: PeerFrame }) => unknown

/** A WebSocket that never connects: it keeps the handlers a client installs so they can be called. */
class StubSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  static last: StubSocket | undefined
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSING = 2
  readonly CLOSED = 3
  readyState = 0
  binaryType = 'blob'
  onmessage: Listener | null = null
  onopen: unknown = null
  onclose: unknown = null
  onerror: unknown = null
  readonly listeners = new Map<string, Listener>()

  constructor(readonly url: string) {
    StubSocket.last = this
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, listener)
  }

  removeEventListener(type: string): void {
    this.listeners.delete(type)
  }

  send(): void {}

  close(): void {
    this.readyState = 3
  }
}

/** `@stable-canvas/comfyui-client`: Client's socket `message` listener + `on_progress` per prompt. */
export function stableCanvasDriver(promptIds: readonly string[]): PeerDriver {
  const client = new Client({ api_host: '127.0.0.1:9', WebSocket: StubSocket, fetch: () => undefined })
  client.init()
  const socket = StubSocket.last!
  const onMessage = socket.listeners.get('message')!
  if (socket.binaryType !== 'arraybuffer') throw new Error('stable-canvas: expected binaryType arraybuffer')
  let calls = 0
  for (const promptId of promptIds) client.on_progress(() => void (calls += 1), promptId)
  return {
    deliver: (data) => onMessage({ data }),
    progressCalls: () => calls,
    close: () => client.close(),
  }
}

/** `@saintno/comfyui-sdk`: ComfyApi's `socket.onmessage` + a `progress` listener per prompt. */
export function saintnoDriver(promptIds: readonly string[]): PeerDriver {
  const api = new ComfyApi('http://127.0.0.1:9', 'bench', { customWebSocketImpl: StubSocket as never })
  const internals = api as unknown as { createSocket: () => void; wsTimer?: ReturnType<typeof setInterval> }
  internals.createSocket()
  clearInterval(internals.wsTimer) // its liveness check would reconnect between rounds
  const socket = StubSocket.last!
  const onMessage = socket.onmessage!
  let calls = 0
  for (const promptId of promptIds) {
    let started = false
    api.on('progress', (event: CustomEvent<{ prompt_id?: string }>) => {
      if (event.detail.prompt_id === promptId && !started) started = true
      calls += 1
    })
  }
  return {
    deliver: (data) => onMessage({ data }),
    progressCalls: () => calls,
    close: () => api.destroy(),
  }
}
