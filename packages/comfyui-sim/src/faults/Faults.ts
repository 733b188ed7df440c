/**
 * Fault injection: the misbehaviour a client of ComfyUI must survive, on demand. The simulator's
 * HTTP router, WebSocket hub and executor ask this object before acting; tests arm it through
 * `sim.faults`.
 *
 * @module
 */

/** Which client(s) a fault targets: one client id, or every client when omitted. */
export interface FaultTarget {
  /** The `clientId` of the socket(s) to affect. @default every client */
  readonly clientId?: string
}

/** Options of {@link Faults.dropSocketAt}. */
export interface DropSocketOptions {
  /**
   * The `clientId` whose socket(s) to drop.
   * @default the running prompt's submitter (every socket if the prompt has no `client_id`)
   */
  readonly clientId?: string
  /** The sampler step (`progress.value`) after whose frames the socket is dropped. */
  readonly step: number
  /** Only when this node reports the step. @default any node */
  readonly node?: string
  /** `terminate` destroys the TCP connection (no close frame); `close` sends close code 1001. @default 'terminate' */
  readonly mode?: 'terminate' | 'close'
}

/** Options of {@link Faults.refuseConnections}. */
export interface RefuseConnectionsOptions {
  /** How many WebSocket connection attempts to refuse. @default Infinity (until `durationMs` ends or `clear()`) */
  readonly count?: number
  /** For how long to refuse, in milliseconds of wall time. @default Infinity */
  readonly durationMs?: number
  /** `http-503` answers the upgrade with `503 Service Unavailable`; `reset` resets the TCP connection. @default 'http-503' */
  readonly mode?: 'http-503' | 'reset'
}

/** Options of {@link Faults.failHttp}. */
export interface FailHttpOptions {
  /** How many matching requests fail. @default 1 */
  readonly count?: number
  /** Only requests whose path (without the `/api` prefix) equals this string or matches this pattern. @default every route */
  readonly route?: string | RegExp
  /** Only requests with this method (`GET`, `POST`). @default any method */
  readonly method?: string
  /** The status to answer with. @default 500 */
  readonly status?: number
}

/** Options of {@link Faults.delayFrames}. */
export interface DelayFramesOptions extends FaultTarget {
  /** Extra latency of every frame, in milliseconds (order is kept). */
  readonly delayMs: number
  /** How many frames to delay. @default Infinity (until `clear()`) */
  readonly count?: number
}

/** Options of {@link Faults.corruptNextFrame}. */
export interface CorruptFrameOptions extends FaultTarget {
  /** How many text frames to corrupt. @default 1 */
  readonly count?: number
  /** Only frames of this `type`, e.g. `'executed'` (the one that carries a node's outputs). @default any */
  readonly messageType?: string
}

/** Options of {@link Faults.failNode}: a node that raises an exception when it runs. */
export interface FailNodeOptions {
  /** The node id to fail. @default any node of `classType` */
  readonly nodeId?: string
  /** The class to fail. @default any class (with `nodeId`) */
  readonly classType?: string
  /** Python's exception type name in `execution_error`. @default 'RuntimeError' */
  readonly exceptionType?: string
  /** `exception_message` in `execution_error`. @default 'Simulated failure (comfyui-sim fault injection)\n' */
  readonly exceptionMessage?: string
  /** How many runs of a matching node fail. @default 1 */
  readonly count?: number
}

interface Counted<T> {
  options: T
  left: number
}

/**
 * The armed faults of one simulator (`sim.faults`). Each fault fires on the next matching event and
 * then disarms (or after `count` events); `clear()` disarms all. Every method returns `this`.
 *
 * @example
 * ```ts
 * sim.faults
 *   .dropSocketAt({ step: 5 }) // the submitter's socket dies after sampler step 5
 *   .refuseConnections({ durationMs: 1000 }) // reconnects get 503 for a second
 *   .failHttp({ route: '/history', count: 2 }) // reconciliation hits two 500s
 * ```
 */
export class Faults {
  private drops: Counted<DropSocketOptions>[] = []
  private refusal: (Counted<RefuseConnectionsOptions> & { until: number }) | undefined
  private httpFailures: Counted<FailHttpOptions>[] = []
  private delays: Counted<DelayFramesOptions>[] = []
  private corruptions: Counted<CorruptFrameOptions>[] = []
  private nodeFailures: Counted<FailNodeOptions>[] = []

  constructor(private readonly now: () => number = Date.now) {}

  /** Drops a client's socket when a running prompt reports sampler step `step`. */
  dropSocketAt(options: DropSocketOptions): this {
    this.drops.push({ options, left: 1 })
    return this
  }

  /** Refuses WebSocket connections (upgrade answered 503, or TCP reset) for a while or a number of attempts. */
  refuseConnections(options: RefuseConnectionsOptions = {}): this {
    const until = options.durationMs === undefined ? Infinity : this.now() + options.durationMs
    this.refusal = { options, left: options.count ?? Infinity, until }
    return this
  }

  /** Answers the next `count` matching HTTP requests with an error status instead of handling them. */
  failHttp(options: FailHttpOptions = {}): this {
    this.httpFailures.push({ options, left: options.count ?? 1 })
    return this
  }

  /** Delays outgoing frames ("slow frames"), keeping their order. */
  delayFrames(options: DelayFramesOptions): this {
    this.delays.push({ options, left: options.count ?? Infinity })
    return this
  }

  /** Replaces the next text frame(s) with truncated, invalid JSON ("torn frame"). */
  corruptNextFrame(options: CorruptFrameOptions = {}): this {
    this.corruptions.push({ options, left: options.count ?? 1 })
    return this
  }

  /** Makes a node raise an exception when it runs (an `execution_error` for its prompt). */
  failNode(options: FailNodeOptions): this {
    this.nodeFailures.push({ options, left: options.count ?? 1 })
    return this
  }

  /** Disarms every fault. */
  clear(): this {
    this.drops = []
    this.refusal = undefined
    this.httpFailures = []
    this.delays = []
    this.corruptions = []
    this.nodeFailures = []
    return this
  }

  /** @internal The refusal mode for a connection attempt now, if one is armed. */
  takeRefusal(): 'http-503' | 'reset' | undefined {
    const refusal = this.refusal
    if (!refusal) return undefined
    if (refusal.left <= 0 || this.now() >= refusal.until) {
      this.refusal = undefined
      return undefined
    }
    refusal.left--
    return refusal.options.mode ?? 'http-503'
  }

  /** @internal The status to fail this request with, if a matching failure is armed. */
  takeHttpFailure(method: string, path: string): number | undefined {
    const hit = take(this.httpFailures, ({ route, method: only }) => {
      if (only !== undefined && only.toUpperCase() !== method) return false
      if (route === undefined) return true
      return typeof route === 'string' ? route === path : route.test(path)
    })
    return hit ? (hit.status ?? 500) : undefined
  }

  /** @internal Sockets to drop now that `node` reported `step`. */
  takeDrops(step: number, node: string): DropSocketOptions[] {
    const due: DropSocketOptions[] = []
    for (;;) {
      const hit = take(this.drops, (o) => o.step === step && (o.node === undefined || o.node === node))
      if (!hit) return due
      due.push(hit)
    }
  }

  /** @internal The extra latency of the next frame to `clientId`. */
  takeDelay(clientId: string): number {
    return take(this.delays, (o) => matches(o, clientId))?.delayMs ?? 0
  }

  /** @internal Whether to corrupt the next text frame (of `messageType`) to `clientId`. */
  takeCorruption(clientId: string, messageType?: string): boolean {
    const wanted = (o: CorruptFrameOptions) =>
      matches(o, clientId) && (o.messageType === undefined || o.messageType === messageType)
    return take(this.corruptions, wanted) !== undefined
  }

  /** @internal The failure for this node run, if one is armed. */
  takeNodeFailure(nodeId: string, classType: string): FailNodeOptions | undefined {
    return take(
      this.nodeFailures,
      (o) =>
        (o.nodeId !== undefined || o.classType !== undefined) &&
        (o.nodeId === undefined || o.nodeId === nodeId) &&
        (o.classType === undefined || o.classType === classType),
    )
  }
}

function matches(target: FaultTarget, clientId: string): boolean {
  return target.clientId === undefined || target.clientId === clientId
}

function take<T>(list: Counted<T>[], predicate: (options: T) => boolean): T | undefined {
  const index = list.findIndex((entry) => entry.left > 0 && predicate(entry.options))
  if (index < 0) return undefined
  const entry = list[index]!
  entry.left--
  if (entry.left <= 0) list.splice(index, 1)
  return entry.options
}
