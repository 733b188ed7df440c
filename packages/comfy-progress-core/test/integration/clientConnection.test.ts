/**
 * ComfyClient's connection over real sockets, with a hand-driven clock: handshake, stable client id,
 * states, backoff, breaker, no hot loop, liveness, and clean close.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { WebSocketConstructorLike } from '../../src/client/WebSocketLike.js'
import {
  BrowserLikeWebSocket,
  createHarness,
  type Harness,
  recordingWebSocket,
} from './support/clientHarness.js'
import { settle, until } from './support/manualTimers.js'
import { json, sendHello, startServer, type TestServer, type WebSocket } from './support/servers.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const s = await startServer(options)
  cleanup.push(() => s.close())
  return s
}
function harness(baseUrl: string, options: Parameters<typeof createHarness>[1] = {}): Harness {
  const h = createHarness(baseUrl, options)
  cleanup.push(() => h.client.close())
  return h
}
const stateNames = (h: Harness) => h.states.map((s) => s.state)

describe('connecting', () => {
  it('opens /ws?clientId=<stable id>, sends feature_flags as the first frame, and copes with no reply', async () => {
    const s = await server({ onConnection: (socket) => sendHello(socket, 'x') })
    const h = harness(s.baseUrl)
    await h.client.connect()
    expect(h.client.clientId).toMatch(/^[0-9a-f]{32}$/)
    expect(s.upgrades.map((u) => u.url)).toEqual([`/ws?clientId=${h.client.clientId}`])
    await until(() => s.received.length === 1)
    expect(JSON.parse(s.received[0]!)).toEqual({
      type: 'feature_flags',
      data: { supports_preview_metadata: true },
    })
    expect(stateNames(h)).toEqual(['connecting', 'connected'])
    await until(() => h.client.queueRemaining === 0)
    expect(h.client.serverFeatures).toBeNull() // this server never answers the handshake
  })

  it('records the server’s feature flags when it answers', async () => {
    const s = await server({
      onConnection: (socket) =>
        socket.on('message', () =>
          socket.send(
            JSON.stringify({
              type: 'feature_flags',
              data: { supports_preview_metadata: true, max_upload_size: 5 },
            }),
          ),
        ),
    })
    const h = harness(s.baseUrl)
    await h.client.connect()
    await until(() => h.client.serverFeatures !== null)
    expect(h.client.serverFeatures).toEqual({ supports_preview_metadata: true, max_upload_size: 5 })
  })

  it('reuses the same client id on every reconnect, and the old socket is closed before a new one is made', async () => {
    const { WebSocket, instances } = recordingWebSocket()
    let readyStatesAtConstruct: number[][] = []
    const Checking = class extends (WebSocket as unknown as new (url: string) => object) {
      constructor(url: string) {
        readyStatesAtConstruct.push(instances.map((i) => i.readyState))
        super(url)
      }
    } as unknown as WebSocketConstructorLike
    readyStatesAtConstruct = []
    const s = await server()
    const h = harness(s.baseUrl, { WebSocket: Checking, clientId: 'my-client' })
    await h.client.connect()
    for (let drop = 0; drop < 3; drop += 1) {
      await until(() => s.received.length === drop + 1) // the handshake of this connection
      for (const socket of s.sockets) socket.terminate()
      await until(() => h.client.state === 'reconnecting')
      h.clock.fireNext()
      await until(() => h.client.state === 'connected')
    }
    expect(s.upgrades.map((u) => u.url)).toEqual(Array(4).fill('/ws?clientId=my-client'))
    expect(readyStatesAtConstruct).toEqual([[], [3], [3, 3], [3, 3, 3]]) // every older socket CLOSED
    await until(() => s.received.length === 4)
    expect(s.received.every((frame) => JSON.parse(frame).type === 'feature_flags')).toBe(true)
  })
})

describe('backoff and breaker', () => {
  it('after a 403 on upgrade, retries only when the backoff timer fires: 1 s, 2 s, 4 s, 8 s, then the breaker', async () => {
    const s = await server({ upgrade: () => 403 })
    const h = harness(s.baseUrl, { breaker: { failureThreshold: 5, cooldownMs: 60_000 } })
    void h.client.connect()
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      await until(() => h.retryDelays().length === attempt, 5000, `failure ${attempt}`)
      await settle(20) // real time passes; no timer fired: no new attempt may start
      expect(s.upgrades).toHaveLength(attempt)
      if (attempt < 7) h.clock.fireNext()
    }
    expect(h.retryDelays()).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000])
    const opened = h.states.filter((c) => c.state === 'error')
    expect(opened.length).toBeGreaterThanOrEqual(3)
    expect(opened[0]).toMatchObject({
      breaker: 'open',
      delayMs: 60_000,
      error: { code: 'COMFY_CIRCUIT_OPEN' },
    })
    expect(h.client.breakerState).toBe('open')
  })

  it('makes at most 15 attempts in 10 (fake) minutes against a server that always answers 403', async () => {
    const s = await server({ upgrade: () => 403 })
    const h = harness(s.baseUrl, { backoff: {} }) // default jitter: Math.random
    void h.client.connect()
    const start = h.clock.now()
    for (let failures = 1; ; failures += 1) {
      await until(() => h.retryDelays().length === failures, 5000, `failure ${failures}`)
      const next = h.clock.now() + h.clock.pendingDelays()[0]!
      if (next - start > 10 * 60_000) break
      h.clock.fireNext()
    }
    // 5 attempts within the first ~16 s (1, 2, 4, 8 s apart at most), then one probe per 60 s cool-down.
    expect(s.upgrades.length).toBeGreaterThanOrEqual(10)
    expect(s.upgrades.length).toBeLessThanOrEqual(15)
    expect(h.retryDelays().every((delay) => delay >= 500)).toBe(true)
  })

  it('half-opens after the cool-down and closes again once a probe connection holds', async () => {
    let refuse = true
    const s = await server({ upgrade: () => (refuse ? 403 : 'accept') })
    const h = harness(s.baseUrl, {
      breaker: { failureThreshold: 2, cooldownMs: 30_000 },
      stableAfterMs: 5000,
    })
    void h.client.connect()
    await until(() => h.retryDelays().length === 1)
    h.clock.fireNext()
    await until(() => h.retryDelays().length === 2)
    expect(h.client.breakerState).toBe('open')
    expect(h.retryDelays()).toEqual([1000, 30_000])
    refuse = false
    h.clock.fireNext() // the probe
    await until(() => h.client.state === 'connected')
    expect(h.client.breakerState).toBe('half-open')
    h.clock.advance(5000) // the connection holds: stable
    expect(h.client.breakerState).toBe('closed')
    for (const socket of s.sockets) socket.terminate()
    await until(() => h.retryDelays().length === 3)
    expect(h.retryDelays()[2]).toBe(1000) // a fresh sequence after a good connection
  })

  it('backs off when a server accepts and closes at once, instead of reconnecting in a loop', async () => {
    const s = await server({ onConnection: (socket) => socket.close(1011, 'nope') })
    const h = harness(s.baseUrl)
    void h.client.connect()
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await until(() => h.retryDelays().length === attempt)
      await settle(10)
      expect(s.upgrades).toHaveLength(attempt)
      h.clock.fireNext()
    }
    expect(h.retryDelays()).toEqual([1000, 2000, 4000, 8000])
    expect(h.log.find((e) => e.type === 'retry')).toMatchObject({ reason: 'COMFY_CONNECTION_FAILED' })
  })

  it('backs off when the WebSocket constructor throws', async () => {
    let constructed = 0
    const Throwing = class {
      constructor() {
        constructed += 1
        throw new Error('bad url')
      }
    } as unknown as WebSocketConstructorLike
    const h = harness('http://127.0.0.1:1', { WebSocket: Throwing })
    void h.client.connect()
    await settle(10)
    expect(constructed).toBe(1)
    expect(h.retryDelays()).toEqual([1000])
    h.clock.fireNext()
    h.clock.fireNext()
    expect(constructed).toBe(3)
    expect(h.retryDelays()).toEqual([1000, 2000, 4000])
  })

  it('gives up on an upgrade that never answers after connectTimeoutMs, then backs off', async () => {
    const s = await server({ upgrade: () => 'hang' })
    const h = harness(s.baseUrl, { connectTimeoutMs: 10_000 })
    void h.client.connect()
    await until(() => s.upgrades.length === 1)
    expect(h.clock.pendingDelays()).toEqual([10_000])
    h.clock.fireNext()
    await until(() => h.retryDelays().length === 1)
    expect(h.states.at(-1)).toMatchObject({
      state: 'reconnecting',
      delayMs: 1000,
      error: { code: 'COMFY_CONNECTION_FAILED' },
    })
  })

  it('never retries sooner than 50 ms, whatever the backoff options say', async () => {
    const s = await server({ upgrade: () => 403 })
    const h = harness(s.baseUrl, { backoff: { initialDelayMs: 0, maxDelayMs: 0 } })
    void h.client.connect()
    await until(() => h.retryDelays().length === 1)
    expect(h.retryDelays()).toEqual([50])
  })
})

describe('liveness', () => {
  it('stays connected through an hour of (fake) idle time: pings are answered, nothing reconnects', async () => {
    const s = await server()
    const h = harness(s.baseUrl, { pingIntervalMs: 30_000, pongTimeoutMs: 10_000 })
    await h.client.connect()
    h.clock.advance(5000) // stable
    for (let minute = 0; minute < 60; minute += 1) {
      for (let half = 0; half < 2; half += 1) {
        const pongs = h.log.filter((e) => e.type === 'liveness' && e.event === 'pong').length
        h.clock.advance(30_000) // → ping
        await until(
          () => h.log.filter((e) => e.type === 'liveness' && e.event === 'pong').length === pongs + 1,
        )
      }
    }
    expect(h.log.filter((e) => e.type === 'liveness' && e.event === 'ping')).toHaveLength(120)
    expect(s.upgrades).toHaveLength(1)
    expect(stateNames(h)).toEqual(['connecting', 'connected'])
    expect(h.log.some((e) => e.type === 'retry' || (e.type === 'liveness' && e.event === 'stale'))).toBe(
      false,
    )
  })

  it('does not even ping while frames are flowing', async () => {
    let socketRef: WebSocket | undefined
    const s = await server({ onConnection: (socket) => (socketRef = socket) })
    const h = harness(s.baseUrl, { pingIntervalMs: 30_000 })
    await h.client.connect()
    for (let i = 0; i < 10; i += 1) {
      const count = h.log.filter((e) => e.type === 'frame' && e.direction === 'in').length
      socketRef!.send(
        JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: i } } } }),
      )
      await until(() => h.log.filter((e) => e.type === 'frame' && e.direction === 'in').length === count + 1)
      h.clock.advance(20_000)
    }
    expect(h.log.filter((e) => e.type === 'liveness')).toEqual([])
  })

  it('drops a peer that stops answering pings, and reconnects through the backoff', async () => {
    const s = await server({ autoPong: false }) // like the far end of a half-open connection
    const h = harness(s.baseUrl, { pingIntervalMs: 30_000, pongTimeoutMs: 10_000 })
    await h.client.connect()
    h.clock.advance(30_000)
    await settle(10)
    h.clock.advance(10_000)
    await until(() => h.client.state === 'reconnecting')
    expect(h.states.at(-1)).toMatchObject({ error: { code: 'COMFY_CONNECTION_STALE' }, delayMs: 1000 })
    h.clock.fireNext()
    await until(() => h.client.state === 'connected')
    expect(s.upgrades).toHaveLength(2)
  })

  it('without ping (browsers), probes GET /prompt while idle; a healthy server is never dropped, a dead one is', async () => {
    let healthy = true
    const s = await server()
    s.route('GET', '/prompt', (_req, res) =>
      healthy ? json(res, 200, { exec_info: { queue_remaining: 0 } }) : json(res, 500, {}),
    )
    const h = harness(s.baseUrl, { WebSocket: BrowserLikeWebSocket, pingIntervalMs: 30_000 })
    await h.client.connect()
    for (let i = 1; i <= 5; i += 1) {
      h.clock.advance(30_000)
      await until(() => h.log.filter((e) => e.type === 'liveness' && e.event === 'probe-ok').length === i)
    }
    expect(h.client.state).toBe('connected')
    healthy = false
    h.clock.advance(30_000)
    await until(() => h.log.some((e) => e.type === 'liveness' && e.event === 'probe-failed'))
    expect(h.client.state).toBe('connected') // one failure is not enough
    h.clock.advance(30_000)
    await until(() => h.client.state === 'reconnecting')
    expect(h.states.at(-1)).toMatchObject({ error: { code: 'COMFY_CONNECTION_STALE' } })
    expect(s.requests.filter((r) => r.url === '/prompt')).toHaveLength(7)
  })
})

describe('events', () => {
  it('on() returns an unsubscribe function', async () => {
    const s = await server()
    const h = harness(s.baseUrl)
    const seen: string[] = []
    const off = h.client.on('state', ({ state }) => seen.push(state))
    await h.client.connect()
    off()
    off()
    await h.client.close()
    expect(seen).toEqual(['connecting', 'connected'])
  })
})

describe('close', () => {
  it('closes a socket still in its opening handshake without waiting for a timer', async () => {
    const s = await server({ upgrade: () => 'hang' })
    const h = harness(s.baseUrl)
    void h.client.connect()
    await until(() => s.upgrades.length === 1)
    await h.client.close() // the manual clock never advances: this resolves from the socket's own close
    expect(h.client.state).toBe('disconnected')
    expect(h.clock.pendingCount()).toBe(0)
  })

  it('leaves no timer and no socket behind, from any state, and is idempotent', async () => {
    const s = await server({ upgrade: () => 403 })
    const h = harness(s.baseUrl)
    const connecting = h.client.connect()
    await until(() => h.client.state === 'reconnecting')
    await Promise.all([h.client.close(), h.client.close()])
    await expect(connecting).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
    expect(h.clock.pendingCount()).toBe(0)
    expect(h.client.state).toBe('disconnected')
    await expect(h.client.connect()).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
    await expect(h.client.submit({})).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })

    const open = await server()
    const h2 = harness(open.baseUrl)
    await h2.client.connect()
    await h2.client.close()
    await until(() => open.sockets.size === 0)
    expect(h2.clock.pendingCount()).toBe(0)
    expect(h2.states.at(-1)).toMatchObject({ state: 'disconnected' })
  })
})
