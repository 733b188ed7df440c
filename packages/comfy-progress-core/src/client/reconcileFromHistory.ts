import type { ComfyRequestOptions } from './httpRequest.js'
import type { ComfyHistoryEntry, ComfyQueue } from './httpTypes.js'
import type { AbortSignalLike } from './FetchLike.js'
import type { PromptOutcome } from './PromptEvent.js'
import { outcomeFromHistory } from './promptOutcome.js'

/** The two requests reconciliation makes; {@link ComfyHttpApi} provides them. */
export interface ReconcileApi {
  getQueue(options?: ComfyRequestOptions): Promise<ComfyQueue>
  getHistory(promptId: string, options?: ComfyRequestOptions): Promise<ComfyHistoryEntry | null>
}

/** What reconciliation concluded about one prompt. */
export type ReconcileVerdict =
  | { readonly promptId: string; readonly result: 'running' | 'pending'; readonly position: number }
  | { readonly promptId: string; readonly result: 'finished'; readonly outcome: PromptOutcome }
  | { readonly promptId: string; readonly result: 'lost' }

/** Options of {@link reconcileFromHistory}. */
export interface ReconcileOptions {
  /** The prompts to check: only ones ComfyUI has accepted (a prompt still being posted is in neither list). */
  readonly promptIds: readonly string[]
  readonly signal?: AbortSignalLike
  /** Called with the queue first, so the caller can attribute frames without a prompt id. */
  readonly onQueue?: (queue: ComfyQueue) => void
  /** Called once per prompt, as soon as its verdict is known. */
  readonly onVerdict: (verdict: ReconcileVerdict) => void
}

/**
 * Finds out what happened to prompts while the socket was down (protocol §6.3): `GET /queue` first
 * (running or pending: live frames resume), then `GET /history/{id}` for the others (finished: the
 * outcome is rebuilt from history), and if a prompt is in neither, history once more, in case it
 * finished between the two requests; still absent means it is lost (deleted, or ComfyUI restarted).
 * Verdicts are reported one by one; an HTTP failure rejects with its ComfyProgressError, leaving the
 * remaining prompts for the next attempt.
 *
 * @example
 * ```ts
 * await reconcileFromHistory(client.api, {
 *   promptIds: ['a3bb189e-8bf9-4888-9912-ace4e6543002'],
 *   onVerdict: (verdict) => console.log(verdict.promptId, verdict.result),
 * })
 * ```
 */
export async function reconcileFromHistory(api: ReconcileApi, options: ReconcileOptions): Promise<void> {
  const request = options.signal === undefined ? {} : { signal: options.signal }
  const queue = await api.getQueue(request)
  options.onQueue?.(queue)
  const positions = new Map<string, number>()
  queue.running.forEach((item, index) => positions.set(item.promptId, index))
  queue.pending.forEach((item, index) => positions.set(item.promptId, queue.running.length + index))
  for (const promptId of options.promptIds) {
    const position = positions.get(promptId)
    if (position !== undefined) {
      options.onVerdict({
        promptId,
        result: position < queue.running.length ? 'running' : 'pending',
        position,
      })
      continue
    }
    const entry = (await api.getHistory(promptId, request)) ?? (await api.getHistory(promptId, request))
    options.onVerdict(
      entry === null
        ? { promptId, result: 'lost' }
        : { promptId, result: 'finished', outcome: outcomeFromHistory(entry) },
    )
  }
}
