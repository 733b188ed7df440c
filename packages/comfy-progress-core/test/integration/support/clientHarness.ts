/**
 * A ComfyClient wired to a manual clock and a log recorder, plus WebSocket classes that record their
 * instances or behave like a browser's (no ping), for the client's integration tests.
 */
import { WebSocket } from 'ws'
import { ComfyClient } from '../../../src/client/ComfyClient.js'
import type { ConnectionStateChange } from '../../../src/client/ComfyClientEvents.js'
import type { ComfyClientLogEntry } from '../../../src/client/ComfyClientLogEntry.js'
import type { ComfyClientOptions } from '../../../src/client/ComfyClientOptions.js'
import type { WebSocketConstructorLike } from '../../../src/client/WebSocketLike.js'
import { createManualTimers, type ManualTimers } from './manualTimers.js'

export interface Harness {
  readonly client: ComfyClient
  readonly clock: ManualTimers
  readonly log: ComfyClientLogEntry[]
  readonly states: ConnectionStateChange[]
  /** Delays of every `retry` decision, in order. */
  retryDelays(): number[]
}

export function createHarness(baseUrl: string, options: Partial<ComfyClientOptions> = {}): Harness {
  const clock = createManualTimers()
  const log: ComfyClientLogEntry[] = []
  const states: ConnectionStateChange[] = []
  const client = new ComfyClient({
    baseUrl,
    timers: clock.timers,
    backoff: { random: () => 1 }, // no jitter: exact delays
    logger: (entry) => log.push(entry),
    ...options,
  })
  client.on('state', (change) => states.push(change))
  return {
    client,
    clock,
    log,
    states,
    retryDelays: () => log.flatMap((entry) => (entry.type === 'retry' ? [entry.delayMs] : [])),
  }
}

/** A `ws` WebSocket class that records its instances (to check the old socket was closed first). */
export function recordingWebSocket(): { WebSocket: WebSocketConstructorLike; instances: WebSocket[] } {
  const instances: WebSocket[] = []
  class Recording extends WebSocket {
    constructor(url: string) {
      super(url)
      instances.push(this)
    }
  }
  return { WebSocket: Recording, instances }
}

/** A `ws` WebSocket that, like a browser's, cannot ping: liveness falls back to HTTP probes. */
class NoPingWebSocket extends WebSocket {
  // Shadows ws's prototype method, so the client sees a socket that cannot ping.
  override ping = undefined as unknown as WebSocket['ping']
}
export const BrowserLikeWebSocket: WebSocketConstructorLike = NoPingWebSocket
