/**
 * The soak's fault injector: while generations run, at random moments (seeded), one fault from the
 * list below is armed or done. ComfyUI side: socket drops mid-sampling, refused reconnects, HTTP 500s
 * on the routes a client uses, slow and torn frames, failing nodes, restarts. Server side: every
 * connection cut. Webhook side: receivers failing (500), hanging (timeouts) or slow, then recovering.
 * Slow, stuck and cut SSE consumers are the subscribers' own behaviours (`soakSubscriber.ts`).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { SoakReceiver } from './soakReceiver.js'
import type { SoakRandom } from './soakRandom.js'
import type { SoakStack } from './soakStack.js'

/** Every kind of fault, for the report. */
export const faultKinds = [
  'socket drop',
  'refused reconnects',
  'ComfyUI HTTP 500',
  'slow frames',
  'torn frame',
  'node failure',
  'ComfyUI restart',
  'server connections cut',
  'webhook receiver 500',
  'webhook receiver timeout',
  'webhook receiver slow',
] as const

/** One kind of fault. */
export type FaultKind = (typeof faultKinds)[number]

/** What the chaos loop needs. */
export interface ChaosOptions {
  readonly stack: SoakStack
  readonly receivers: readonly SoakReceiver[]
  readonly random: SoakRandom
  /** Called right before a restart, so the ground truth reads what the simulator is about to forget. */
  readonly beforeRestart: () => Promise<void>
  /** Least time between two simulator restarts. */
  readonly restartEveryMs: number
  /** Mean time between two faults. */
  readonly meanGapMs: number
  /** The kinds to inject. @default every kind */
  readonly kinds?: readonly FaultKind[]
}

/** A running chaos loop. */
export interface Chaos {
  /** Faults done so far, per kind. */
  readonly counts: Record<FaultKind, number>
  /** Stops injecting, disarms the simulator's faults and heals every receiver. */
  stop(): Promise<void>
}

const HTTP_ROUTES = ['/prompt', /^\/history/, '/queue', '/interrupt'] as const

/** Starts injecting faults. */
export function startChaos(options: ChaosOptions): Chaos {
  const { stack, receivers, random } = options
  const counts = Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as Record<FaultKind, number>
  let running = true
  let lastRestart = Date.now()
  const healing = new Set<Promise<void>>()

  const breakReceiver = (mode: 'fail' | 'hang' | 'slow') => {
    const receiver = random.pick(receivers)
    receiver.setMode(mode)
    const healed = sleep(random.int(200, 2_000)).then(() => receiver.setMode('ok'))
    healing.add(healed)
    void healed.finally(() => healing.delete(healed))
  }

  const inject = async (kind: FaultKind) => {
    const { faults } = stack.sim
    switch (kind) {
      case 'socket drop': {
        faults.dropSocketAt({ step: random.int(1, 19), mode: random.pick(['terminate', 'close'] as const) })
        break
      }
      case 'refused reconnects': {
        faults.refuseConnections({
          durationMs: random.int(50, 600),
          mode: random.pick(['http-503', 'reset'] as const),
        })
        faults.dropSocketAt({ step: random.int(1, 19) })
        break
      }
      case 'ComfyUI HTTP 500': {
        faults.failHttp({ route: random.pick(HTTP_ROUTES), count: random.int(1, 3) })
        break
      }
      case 'slow frames': {
        faults.delayFrames({ delayMs: random.int(5, 40), count: random.int(10, 80) })
        break
      }
      case 'torn frame': {
        faults.corruptNextFrame()
        break
      }
      case 'node failure': {
        faults.failNode({ classType: random.pick(['KSampler', 'VAEDecode', 'SaveImage']) })
        break
      }
      case 'ComfyUI restart': {
        lastRestart = Date.now()
        await options.beforeRestart()
        await stack.sim.restart({ downtimeMs: random.int(0, 400) })
        break
      }
      case 'server connections cut': {
        stack.dropConnections()
        break
      }
      case 'webhook receiver 500': {
        breakReceiver('fail')
        break
      }
      case 'webhook receiver timeout': {
        breakReceiver('hang')
        break
      }
      case 'webhook receiver slow': {
        breakReceiver('slow')
        break
      }
    }
    counts[kind]++
  }

  // Kinds are drawn from a shuffled deck, refilled when empty: every kind comes up, evenly.
  let deck: FaultKind[] = []
  const draw = (): FaultKind => {
    if (deck.length === 0) {
      deck = [...(options.kinds ?? faultKinds)]
      for (let i = deck.length - 1; i > 0; i--) {
        const j = random.int(0, i)
        ;[deck[i], deck[j]] = [deck[j] as FaultKind, deck[i] as FaultKind]
      }
    }
    return deck.pop() ?? 'socket drop'
  }

  // Armed faults wait for a matching event; one whose event is rare (a 500 for /interrupt waits for a
  // cancel) would pile up and fail every such request. Disarm what is left every two seconds.
  let clearedAt = Date.now()
  const loop = (async () => {
    while (running) {
      await sleep(random.int(options.meanGapMs / 2, (options.meanGapMs * 3) / 2))
      if (!running) break
      if (Date.now() - clearedAt > 2_000) {
        stack.sim.faults.clear()
        clearedAt = Date.now()
      }
      let kind = draw()
      if (kind === 'ComfyUI restart' && Date.now() - lastRestart < options.restartEveryMs) {
        kind = 'socket drop'
      }
      await inject(kind)
    }
  })()

  return {
    counts,
    async stop() {
      running = false
      await loop
      stack.sim.faults.clear()
      await Promise.all(healing)
      for (const receiver of receivers) receiver.setMode('ok')
    },
  }
}
