/**
 * Real servers on 127.0.0.1, port 0, for the client's tests: a plain HTTP server with a route table,
 * and a WebSocket endpoint at `/ws` whose upgrade can be accepted, refused with a status, or left
 * hanging. Every server is closed by `close()`, which also destroys open sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: Buffer
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => unknown

/** `status` + JSON body. */
export function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  response.end(text)
}

export interface WsEndpointOptions {
  /** What to do with an upgrade: accept (default), answer with an HTTP status, or never answer. */
  upgrade?: () => 'accept' | 'hang' | number
  /** Answer client pings (a `false` server behaves like a half-open connection's dead peer). @default true */
  autoPong?: boolean
  /** Called for each accepted socket; the test drives it. */
  onConnection?: (socket: WebSocket, request: IncomingMessage) => void
}

export interface TestServer {
  readonly baseUrl: string
  readonly port: number
  readonly requests: RecordedRequest[]
  /** Upgrade requests seen on /ws, accepted or not. */
  readonly upgrades: { url: string; at: number }[]
  /** Currently open server-side WebSockets. */
  readonly sockets: Set<WebSocket>
  /** Text frames received from clients, in order. */
  readonly received: string[]
  route(method: string, path: string, handler: Handler): void
  close(): Promise<void>
}

export async function startServer(ws: WsEndpointOptions = {}): Promise<TestServer> {
  const routes = new Map<string, Handler>()
  const requests: RecordedRequest[] = []
  const upgrades: { url: string; at: number }[] = []
  const sockets = new Set<WebSocket>()
  const received: string[] = []
  const rawSockets = new Set<Socket>()
  const wss = new WebSocketServer({ noServer: true, autoPong: ws.autoPong ?? true })

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      requests.push(record)
      const path = record.url.split('?')[0]!
      const handler =
        routes.get(`${record.method} ${record.url}`) ??
        routes.get(`${record.method} ${path}`) ??
        routes.get(`* ${path}`)
      if (!handler) return json(res, 404, { error: 'not found' })
      void Promise.resolve(handler(record, res)).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(error) })
      })
    })
  })
  server.on('connection', (socket) => {
    rawSockets.add(socket)
    socket.on('close', () => rawSockets.delete(socket))
  })
  server.on('upgrade', (req, socket, head) => {
    upgrades.push({ url: req.url ?? '', at: Date.now() })
    const decision = ws.upgrade?.() ?? 'accept'
    if (decision === 'hang') return
    if (typeof decision === 'number') {
      socket.end(`HTTP/1.1 ${decision} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      sockets.add(client)
      client.on('close', () => sockets.delete(client))
      client.on('message', (data, isBinary) => {
        if (!isBinary) received.push(Buffer.from(data as Buffer).toString('utf8'))
      })
      ws.onConnection?.(client, req)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    upgrades,
    sockets,
    received,
    route(method, path, handler) {
      routes.set(`${method} ${path}`, handler)
    },
    async close() {
      for (const client of wss.clients) client.terminate()
      for (const socket of rawSockets) socket.destroy()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Sends ComfyUI's on-connect `status` frame (the only one with `sid`). */
export function sendHello(socket: WebSocket, clientId: string, queueRemaining = 0): void {
  socket.send(
    JSON.stringify({
      type: 'status',
      data: { status: { exec_info: { queue_remaining: queueRemaining } }, sid: clientId },
    }),
  )
}

export { WebSocket }
