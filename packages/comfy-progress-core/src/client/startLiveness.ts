import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { LogFunction } from './createLog.js'
import type { Timers } from './Timers.js'
import { WEBSOCKET_OPEN, type WebSocketLike } from './WebSocketLike.js'

/** Liveness settings; see `ComfyClientOptions` for their meaning and defaults. */
export interface LivenessOptions {
  readonly pingIntervalMs: number
  readonly pongTimeoutMs: number
  /** A cheap HTTP request, used where the socket cannot ping (browsers). Rejects when ComfyUI is down. */
  readonly probe: (timeoutMs: number) => Promise<void>
  readonly timers: Timers
  readonly log: LogFunction
}

/** A running liveness check. */
export interface Liveness {
  /** Any frame received proves the peer alive. */
  touch(): void
  stop(): void
}

/** Consecutive failed HTTP probes that declare the connection dead. */
const PROBE_FAILURES = 2

/**
 * Watches an open socket for a dead peer. ComfyUI sends nothing while idle, so silence is not death:
 * after `pingIntervalMs` without any frame, a WebSocket ping is sent where the socket supports it
 * (Node's `ws`), and no pong (and no frame) within `pongTimeoutMs` means the peer is gone. Browsers'
 * sockets cannot ping; there a cheap HTTP probe runs instead, and two failures in a row mean
 * ComfyUI is gone. An idle but healthy connection is never dropped. `pingIntervalMs <= 0` disables it.
 */
export function startLiveness(
  socket: WebSocketLike,
  options: LivenessOptions,
  onStale: (error: ComfyProgressError) => void,
): Liveness {
  const { timers, log, pingIntervalMs, pongTimeoutMs } = options
  let lastActivity = timers.now()
  let timer: unknown
  let stopped = false
  let probeFailures = 0
  let awaitingPong = false
  const canPing = typeof socket.ping === 'function' && typeof socket.on === 'function'

  const schedule = (ms: number) => {
    if (!stopped) timer = timers.setTimeout(tick, Math.max(1, ms))
  }
  const stale = (event: string) => {
    if (stopped) return
    stopped = true
    log?.({ type: 'liveness', event: 'stale' })
    onStale(
      new ComfyProgressError('COMFY_CONNECTION_STALE', undefined, {
        details: { after: event, pongTimeoutMs },
      }),
    )
  }
  const tick = () => {
    timer = undefined
    if (stopped) return
    const idle = timers.now() - lastActivity
    if (idle < pingIntervalMs) return schedule(pingIntervalMs - idle)
    if (canPing) return ping()
    probe()
  }
  const ping = () => {
    if (socket.readyState !== WEBSOCKET_OPEN) return
    try {
      socket.ping!()
    } catch {
      return stale('ping')
    }
    log?.({ type: 'liveness', event: 'ping' })
    const sentAt = timers.now()
    awaitingPong = true
    timer = timers.setTimeout(() => {
      timer = undefined
      awaitingPong = false
      // Frames that arrived after the ping prove the peer alive too (a pong can queue behind big frames).
      if (lastActivity > sentAt) schedule(pingIntervalMs - (timers.now() - lastActivity))
      else stale('ping')
    }, pongTimeoutMs)
  }
  const probe = () => {
    log?.({ type: 'liveness', event: 'probe' })
    options.probe(pongTimeoutMs).then(
      () => {
        probeFailures = 0
        log?.({ type: 'liveness', event: 'probe-ok' })
        schedule(pingIntervalMs)
      },
      () => {
        probeFailures += 1
        log?.({ type: 'liveness', event: 'probe-failed' })
        if (probeFailures >= PROBE_FAILURES) stale('probe')
        else schedule(pingIntervalMs)
      },
    )
  }

  if (canPing) {
    socket.on!('pong', () => {
      if (stopped) return
      lastActivity = timers.now()
      log?.({ type: 'liveness', event: 'pong' })
      if (!awaitingPong) return
      awaitingPong = false
      if (timer !== undefined) timers.clearTimeout(timer)
      schedule(pingIntervalMs)
    })
  }
  if (pingIntervalMs > 0 && Number.isFinite(pingIntervalMs)) schedule(pingIntervalMs)

  return {
    touch() {
      lastActivity = timers.now()
    },
    stop() {
      stopped = true
      if (timer !== undefined) timers.clearTimeout(timer)
      timer = undefined
    },
  }
}
