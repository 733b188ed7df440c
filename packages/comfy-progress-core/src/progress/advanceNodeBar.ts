/** What the progress model knows about one node that has started (or was cached). */
export interface NodeProgress {
  /** Finished, or cached: its work is done. */
  readonly done: boolean
  /** Its latest progress bar: `value` of `max`. `max` is 0 while it has reported no real bar. */
  readonly value: number
  readonly max: number
  /** Bars it completed before the current one (a node may run several bars, e.g. for list inputs). */
  readonly bars: number
  /** Share of its work done, 0 to 1. Never decreases. */
  readonly fraction: number
}

/** A node that has started and reported nothing yet. */
export const STARTED_NODE: NodeProgress = Object.freeze({
  done: false,
  value: 0,
  max: 0,
  bars: 0,
  fraction: 0,
})

/** A node whose work is done. */
export const DONE_NODE: NodeProgress = Object.freeze({ done: true, value: 0, max: 0, bars: 0, fraction: 1 })

/** Share of the node reached when its first bar is full; each later bar covers half of what is left. */
const FIRST_BAR_SHARE = 0.95

/**
 * A node's progress after its bar reports `value` of `max`. Most nodes run one bar (a sampler: 1..steps),
 * but `max` can change within a node and `value` can go backwards (several bars, or list inputs that run
 * the node N times); either starts a new bar, and the displayed value/max follow the new bar. The node's
 * `fraction` never decreases: the first bar covers 95% of the node, each later bar half of what is left,
 * and only the node's finish makes it 1. Returns `previous` itself when nothing changes.
 */
export function advanceNodeBar(previous: NodeProgress, value: number, max: number): NodeProgress {
  if (previous.done || !Number.isFinite(value) || !Number.isFinite(max) || max <= 0) return previous
  const clamped = Math.min(max, Math.max(0, value))
  if (clamped === previous.value && max === previous.max) return previous
  const newBar = previous.max > 0 && (max !== previous.max || clamped < previous.value)
  const bars = newBar ? previous.bars + 1 : previous.bars
  const from = barStart(bars)
  const fraction = Math.max(previous.fraction, from + (barStart(bars + 1) - from) * (clamped / max))
  return { done: false, value: clamped, max, bars, fraction }
}

/** Where bar number `bars` (0-based) starts, as a share of the node: 0, 0.95, 0.975, … */
function barStart(bars: number): number {
  return bars === 0 ? 0 : 1 - (1 - FIRST_BAR_SHARE) * 0.5 ** (bars - 1)
}
