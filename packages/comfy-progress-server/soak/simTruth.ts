/**
 * What the simulator really did with each prompt: the ground truth a task's terminal event is
 * checked against. Every prompt id the soak learns (before its submit where it can) is watched with
 * `sim.whenFinished`; a restart forgets the queue and the history, so before each restart the soak
 * reads the ids the store knows by then (`learn`) and lets already-finished ones resolve first.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { ComfyUiSim, HistoryEntry } from '@comfy-progress/comfyui-sim'

/** A prompt's outcome in ComfyUI's history, or `none` when it never finished there. */
export type SimOutcome = 'completed' | 'error' | 'cancelled' | 'none'

/** Terminal statuses of a task. */
export type TerminalStatus = 'completed' | 'error' | 'cancelled'

/** The truth of every prompt the soak has seen. */
export class SimTruth {
  readonly #sim: ComfyUiSim
  readonly #outcomes = new Map<string, SimOutcome>()

  constructor(sim: ComfyUiSim) {
    this.#sim = sim
  }

  /** Starts watching `promptId` (idempotent). */
  learn(promptId: string): void {
    if (this.#outcomes.has(promptId)) return
    this.#outcomes.set(promptId, 'none')
    void this.#sim.whenFinished(promptId).then((entry) => {
      this.#outcomes.set(promptId, outcomeOf(entry))
    })
  }

  /** Lets the history entries that are already there resolve (call before a restart). */
  async settle(): Promise<void> {
    await nextTurn()
    await nextTurn()
  }

  /** The prompt's outcome so far (`none` for an unknown or unfinished prompt). */
  outcome(promptId: string | undefined): SimOutcome {
    return promptId === undefined ? 'none' : (this.#outcomes.get(promptId) ?? 'none')
  }
}

/**
 * The terminal status a task must end with: the simulator's own outcome when the prompt finished
 * there; otherwise (never accepted, lost in a restart, removed from the queue) `cancelled` if the
 * soak's cancel was accepted, else `error`.
 */
export function expectedStatus(outcome: SimOutcome, cancelAccepted: boolean): TerminalStatus {
  if (outcome !== 'none') return outcome
  return cancelAccepted ? 'cancelled' : 'error'
}

function outcomeOf(entry: HistoryEntry): SimOutcome {
  if (entry.status.status_str === 'success') return 'completed'
  return entry.status.messages.some(([type]) => type === 'execution_interrupted') ? 'cancelled' : 'error'
}
