import { ComfyProgressError } from '@comfy-progress/core'
import type { TaskComfyClient } from './TaskManagerOptions.js'

/** What {@link chooseBackend} weighs of one ComfyUI backend. */
export interface BackendLoad {
  readonly id: string
  readonly client: Pick<TaskComfyClient, 'state' | 'breakerState' | 'queueRemaining'>
  /** Tasks this instance has submitted to the backend and still follows. */
  readonly inFlight: number
  /**
   * The queue length to weigh when it is known better than `client.queueRemaining` (read from
   * ComfyUI's `GET /prompt` because no status frame came recently); `null` for unknown.
   * @default client.queueRemaining
   */
  readonly queueRemaining?: number | null
}

/**
 * Picks the backend for a new task: among the healthy ones (connected, breaker not open), the one
 * with the shortest ComfyUI queue (`queueRemaining` when given, else the client's from its status
 * frames; unknown counts as 0),
 * then the fewest tasks in flight from this instance, then the first listed. Throws
 * `COMFY_NO_BACKEND` (HTTP 503) when none is healthy, with each backend's state in `details`.
 *
 * @example
 * ```ts
 * const backend = chooseBackend([
 *   { id: 'gpu0', client: gpu0, inFlight: 2 },
 *   { id: 'gpu1', client: gpu1, inFlight: 0 },
 * ])
 * ```
 */
export function chooseBackend<T extends BackendLoad>(backends: readonly T[]): T {
  let best: T | undefined
  for (const backend of backends) {
    if (!isHealthy(backend.client)) continue
    if (best === undefined || compareLoad(backend, best) < 0) best = backend
  }
  if (best !== undefined) return best
  throw new ComfyProgressError('COMFY_NO_BACKEND', undefined, {
    details: {
      backends: backends.map(({ id, client }) => ({ id, state: client.state, breaker: client.breakerState })),
    },
  })
}

/** Whether new tasks may go to a backend: connected, with its breaker closed (or half-open, on trial). */
export function isHealthy(client: Pick<TaskComfyClient, 'state' | 'breakerState'>): boolean {
  return client.state === 'connected' && client.breakerState !== 'open'
}

function compareLoad(a: BackendLoad, b: BackendLoad): number {
  const queue = queueOf(a) - queueOf(b)
  return queue !== 0 ? queue : a.inFlight - b.inFlight
}

function queueOf(backend: BackendLoad): number {
  const known = backend.queueRemaining === undefined ? backend.client.queueRemaining : backend.queueRemaining
  return known ?? 0
}
