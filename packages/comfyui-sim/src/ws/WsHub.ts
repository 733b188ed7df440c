import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { type RawData, WebSocket, WebSocketServer } from 'ws'
import type { Faults } from '../faults/Faults.js'
import type { Scheduler } from '../internal/Scheduler.js'
import { toPythonJson } from '../internal/pythonJson.js'
import {
  executingReplayFrame,
  serverFeatureFlags,
  statusFrame,
  type TextFrame,
} from '../frames/textFrames.js'

/**
 * ComfyUI's `/ws` endpoint and its delivery rules (0.3.64 `server.py`): a registry of sockets by
 * client id (a reconnect with the same id replaces the entry without closing the old socket, and
 * the old socket's close removes whatever is registered under the id, as in the real server), the
 * on-connect `status` with `sid`, the reconnect replay of the running node, the `feature_flags`
 * handshake, and sending to one client or to all. Frame faults (delay, corruption) apply here.
 *
 * @module
 */

/** What the hub needs to know about the server. */
export interface WsHubOptions {
  readonly scheduler: Scheduler
  readonly faults: Faults
  readonly maxUploadSize: number
  /** `queue_remaining` for the on-connect status. */
  readonly queueRemaining: () => number
  /** The running prompt's client id and the display id of its last started node. */
  readonly running: () => { clientId: string | undefined; lastNodeId: string | undefined }
}

interface Client {
  readonly ws: WebSocket
  readonly sid: string
  flags: Record<string, unknown>
  firstMessage: boolean
  readonly outbox: { at: number; data: string | Buffer }[]
  timer: boolean
}

/** The WebSocket side of the simulator. */
export class WsHub {
  private readonly registry = new Map<string, Client>()
  private readonly open = new Set<Client>()
  private readonly server = new WebSocketServer({ noServer: true, perMessageDeflate: false })

  constructor(private readonly options: WsHubOptions) {}

  /** Client ids with a registered socket. */
  clientIds(): string[] {
    return [...this.registry.keys()]
  }

  /** Accepts an upgrade on `/ws` (the router has checked the path and origin). */
  accept({ request, socket, head }: { request: IncomingMessage; socket: Duplex; head: Buffer }): void {
    const refusal = this.options.faults.takeRefusal()
    if (refusal === 'reset') {
      if (socket instanceof Socket) socket.resetAndDestroy()
      else socket.destroy()
      return
    }
    if (refusal === 'http-503') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      return
    }
    const clientId = new URL(request.url ?? '/', 'http://sim').searchParams.get('clientId') ?? ''
    this.server.handleUpgrade(request, socket, head, (ws) => this.connect(ws, clientId))
  }

  /** Sends to the socket registered under `clientId` (dropped silently if none), or to all when `null`. */
  send(clientId: string | null | undefined, frame: TextFrame | Buffer): void {
    if (clientId === null || clientId === undefined) {
      for (const client of this.registry.values()) this.deliver(client, frame)
      return
    }
    const client = this.registry.get(clientId)
    if (client) this.deliver(client, frame)
  }

  /** Whether the socket registered under `clientId` announced `supports_preview_metadata`. */
  supportsPreviewMetadata(clientId: string): boolean {
    return this.registry.get(clientId)?.flags.supports_preview_metadata === true
  }

  /** Drops the sockets of `clientId` (or all): `terminate` destroys TCP, `close` sends code 1001. */
  drop(clientId: string | undefined, mode: 'terminate' | 'close' = 'terminate'): number {
    let dropped = 0
    for (const client of [...this.open]) {
      if (clientId !== undefined && client.sid !== clientId) continue
      if (mode === 'terminate') client.ws.terminate()
      else client.ws.close(1001, 'comfyui-sim: dropped')
      dropped++
    }
    return dropped
  }

  /** Terminates every socket and waits until they are closed. */
  async closeAll(): Promise<void> {
    const closing = [...this.open].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.ws.readyState === WebSocket.CLOSED) return resolve()
          client.ws.once('close', () => resolve())
          client.ws.terminate()
        }),
    )
    await Promise.all(closing)
    this.registry.clear()
  }

  private connect(ws: WebSocket, clientId: string): void {
    let sid = clientId
    if (sid) this.registry.delete(sid)
    else sid = randomUUID().replaceAll('-', '')
    const client: Client = { ws, sid, flags: {}, firstMessage: true, outbox: [], timer: false }
    this.registry.set(sid, client)
    this.open.add(client)
    ws.on('error', () => undefined)
    ws.on('close', () => {
      this.open.delete(client)
      this.registry.delete(sid)
    })
    ws.on('message', (data, isBinary) => this.receive(client, data, isBinary))
    this.deliver(client, statusFrame(this.options.queueRemaining(), sid))
    const running = this.options.running()
    if (running.clientId === sid && running.lastNodeId !== undefined) {
      this.deliver(client, executingReplayFrame(running.lastNodeId))
    }
  }

  private receive(client: Client, data: RawData, isBinary: boolean): void {
    if (isBinary) return
    let message: unknown
    try {
      message = JSON.parse(rawToString(data))
    } catch {
      return
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return
    const { type, data: flags } = message as { type?: unknown; data?: unknown }
    if (client.firstMessage && type === 'feature_flags') {
      client.flags = typeof flags === 'object' && flags !== null ? (flags as Record<string, unknown>) : {}
      this.deliver(client, { type: 'feature_flags', data: serverFeatureFlags(this.options.maxUploadSize) })
    }
    client.firstMessage = false
  }

  private deliver(client: Client, frame: TextFrame | Buffer): void {
    const faults = this.options.faults
    let data: string | Buffer = Buffer.isBuffer(frame) ? frame : toPythonJson(frame)
    if (typeof data === 'string' && faults.takeCorruption(client.sid, (frame as TextFrame).type)) {
      data = data.slice(0, Math.max(1, Math.floor(data.length / 2)))
    }
    const delay = faults.takeDelay(client.sid)
    if (delay <= 0 && client.outbox.length === 0) {
      if (client.ws.readyState === WebSocket.OPEN) client.ws.send(data)
      return
    }
    const last = client.outbox.at(-1)?.at ?? 0
    client.outbox.push({ at: Math.max(Date.now() + delay, last), data })
    this.flushLater(client)
  }

  private flushLater(client: Client): void {
    if (client.timer || client.outbox.length === 0) return
    client.timer = true
    this.options.scheduler.later(Math.max(1, client.outbox[0]!.at - Date.now()), () => {
      client.timer = false
      while (client.outbox.length > 0 && client.outbox[0]!.at <= Date.now()) {
        const { data } = client.outbox.shift()!
        if (client.ws.readyState === WebSocket.OPEN) client.ws.send(data)
      }
      this.flushLater(client)
    })
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}
