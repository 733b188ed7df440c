import type { ComfyNodeId, ComfyNodeProgressState } from '../protocol/ComfyMessage.js'
import { advanceNodeBar, type NodeProgress, STARTED_NODE } from './advanceNodeBar.js'
import { estimateEta, measureRate } from './estimateEta.js'
import type { PlannedNode } from './planProgress.js'
import { type CurrentNode, PHASE_STEP_NAMES, type ProgressState } from './ProgressState.js'

/**
 * The changes one message makes to a running prompt's {@link ProgressState}, collected with
 * copy-on-write (the node map is copied at most once per message, and only if a node changed), then
 * turned into the next state by {@link ProgressDraft.commit}. Internal to the reducer.
 */
export class ProgressDraft {
  private nodes: (NodeProgress | null)[] | null = null
  private otherNodes: Map<ComfyNodeId, NodeProgress> | null = null
  private work: number
  /** Work that became done without being seen done (cached nodes, finishes inferred from a later start). */
  private unobservedWork = 0
  private currentNode: CurrentNode | null
  private lastBarMax: number
  private hasSnapshots: boolean
  private unmeasuredNode: ComfyNodeId | null
  private changed = false
  private lastId: ComfyNodeId | undefined = undefined
  private lastPlanned: PlannedNode | undefined = undefined

  /**
   * @param base - The state before the message.
   * @param observing - Whether work done in this message was seen happening. False for the first
   *   message of a prompt followed from the middle (a reconnect): that work has no start time.
   */
  constructor(
    private readonly base: ProgressState,
    private readonly observing = true,
  ) {
    this.work = base.work
    this.currentNode = base.currentNode
    this.lastBarMax = base.lastBarMax
    this.hasSnapshots = base.hasSnapshots
    this.unmeasuredNode = base.unmeasuredNode
  }

  /** A node starts (`executing`, a `running` snapshot entry, or its first `progress`). */
  startNode(id: ComfyNodeId, displayId: ComfyNodeId = id): void {
    const known = this.get(id)
    if (known === undefined) {
      // Without snapshots, one node runs at a time: a new start means the previous node finished.
      const previous = this.currentNode
      if (!this.hasSnapshots && previous !== null && previous.id !== id) this.markDone(previous.id, true)
      this.set(id, STARTED_NODE, true)
      this.markInputsDone(id)
    }
    if (known?.done !== true && this.currentNode?.id !== id) this.setCurrent(id, displayId)
  }

  /** A node's progress bar moved. `real` is false for snapshot entries of nodes that report no bar. */
  advanceBar(id: ComfyNodeId, value: number, max: number): void {
    this.startNode(id)
    const previous = this.get(id)!
    const next = advanceNodeBar(previous, value, max)
    if (next === previous) return
    // The first bar of a node that was running when we joined covers work done before we looked.
    const unmeasured = this.unmeasuredNode === id
    if (unmeasured) this.unmeasuredNode = null
    this.set(id, next, !unmeasured)
    if (next.max !== this.lastBarMax) {
      this.lastBarMax = next.max
      this.changed = true
    }
  }

  /** A node finished; `observed` is false for cached nodes and inferred finishes (no timing information). */
  markDone(id: ComfyNodeId, observed: boolean): void {
    const previous = this.get(id)
    if (previous?.done === true) return
    const base = previous ?? STARTED_NODE
    // Written out, not spread: NodeProgress has exactly these fields, and a spread is slow on a hot path.
    this.set(id, { done: true, value: base.max, max: base.max, bars: base.bars, fraction: 1 }, observed)
  }

  /** Folds one `progress_state` snapshot in: every listed node is running or finished. */
  applySnapshot(entries: Readonly<Record<ComfyNodeId, ComfyNodeProgressState>>): void {
    if (!this.hasSnapshots) {
      this.hasSnapshots = true
      this.changed = true
    }
    // Object.keys, not for…in: node ids are integer-like keys, which for…in enumerates slowly.
    const ids = Object.keys(entries)
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      const entry = entries[id]
      if (typeof entry !== 'object' || entry === null) continue
      const known = this.get(id)
      if (known?.done === true) continue
      if (entry.state === 'finished') {
        if (known === undefined) this.markInputsDone(id)
        else if (entry.max > 1) this.advanceBar(id, entry.value, entry.max)
        this.markDone(id, known !== undefined)
        continue
      }
      if (entry.state === 'pending') continue
      const displayId = typeof entry.display_node_id === 'string' ? entry.display_node_id : id
      if (known === undefined) this.startNode(id, displayId)
      // A max of 1 is the placeholder bar of a node that reports no progress (0.0/1.0 on start).
      if (entry.max > 1 && (known === undefined || entry.value !== known.value || entry.max !== known.max)) {
        this.advanceBar(id, entry.value, entry.max)
      }
    }
  }

  /** Whether anything changed. */
  get isChanged(): boolean {
    return this.changed
  }

  /**
   * The next state: `base` with this draft's changes, the percentage, the pace and the ETA updated.
   * Written out field by field, in `initialProgressState`'s order: one object shape for every state keeps
   * this hot path (it runs on every frame) fast, where a spread would not.
   */
  commit(now: number, outputs: ProgressState['outputs'] = this.base.outputs): ProgressState {
    const base = this.base
    const total = base.plan.totalWeight
    const raw = total > 0 ? Math.floor((100 * this.work) / total + 1e-9) : 0
    const observed = this.observing ? this.work - base.work - this.unobservedWork : 0
    let rate = base.rate
    if (observed > 1e-9) rate = measureRate(rate, { work: observed, now }, base.rateOptions)
    // Only unseen work (cached, inferred, joined mid-run): the time until now went into it, so the next
    // measurement starts here.
    else if (this.unobservedWork > 1e-9 && rate.since !== null) rate = { ...rate, since: now }
    const current = this.currentNode
    const bar = current ? this.get(current.id) : undefined
    const hasBar = bar !== undefined && bar.max > 0
    return {
      promptId: base.promptId,
      phase: base.phase,
      plan: base.plan,
      nodes: this.nodes ?? base.nodes,
      otherNodes: this.otherNodes ?? base.otherNodes,
      work: this.work,
      percentage: Math.max(base.percentage, Math.min(99, raw)),
      currentNode: current,
      currentStep: current ? current.step : PHASE_STEP_NAMES.starting,
      currentValue: hasBar ? bar.value : 0,
      maxValue: hasBar ? bar.max : 0,
      // No ETA before a progress bar has moved: the pace of loaders says little about the sampler's.
      eta: this.lastBarMax > 0 ? estimateEta(rate, total - this.work) : null,
      elapsed: elapsedSeconds(base.startedAt, now),
      startedAt: base.startedAt,
      updatedAt: now,
      outputs,
      outcome: base.outcome,
      rate,
      rateOptions: base.rateOptions,
      hasSnapshots: this.hasSnapshots,
      lastBarMax: this.lastBarMax,
      unmeasuredNode: !this.observing && current !== null && !hasBar ? current.id : this.unmeasuredNode,
    }
  }

  /** Whether the node has started, finished or was cached. */
  has(id: ComfyNodeId): boolean {
    return this.get(id) !== undefined
  }

  private get(id: ComfyNodeId): NodeProgress | undefined {
    const planned = this.planned(id)
    if (planned === undefined) return (this.otherNodes ?? this.base.otherNodes).get(id)
    return (this.nodes ?? this.base.nodes)[planned.index] ?? undefined
  }

  private set(id: ComfyNodeId, next: NodeProgress, observed: boolean): void {
    const planned = this.planned(id)
    if (planned === undefined) {
      // Outside the workflow: shown as the current bar, but it carries no weight.
      this.otherNodes ??= new Map(this.base.otherNodes)
      this.otherNodes.set(id, next)
    } else {
      this.nodes ??= this.base.nodes.slice()
      const gained = (next.fraction - (this.nodes[planned.index]?.fraction ?? 0)) * planned.weight
      this.nodes[planned.index] = next
      this.work += gained
      if (!observed) this.unobservedWork += gained
    }
    this.changed = true
  }

  /**
   * The plan's entry for a node, remembering the last one asked for: one message asks about the same node
   * several times (a snapshot's running node: its state, its start, its bar, its update), and a map
   * lookup per ask was ~10% of a snapshot's cost in the profile. The plan never changes.
   */
  private planned(id: ComfyNodeId): PlannedNode | undefined {
    if (id === this.lastId) return this.lastPlanned
    const planned = this.base.plan.nodes.get(id)
    this.lastId = id
    this.lastPlanned = planned
    return planned
  }

  /**
   * Everything upstream of a node that starts has run or was cached: mark it done (unobserved). The walk
   * stops at nodes already done, whose own inputs were handled when they started (or were cached too).
   */
  private markInputsDone(id: ComfyNodeId): void {
    const inputs = this.base.plan.nodes.get(id)?.inputs
    if (inputs === undefined) return
    for (const input of inputs) {
      if (this.get(input)?.done === true) continue
      this.markDone(input, false)
      this.markInputsDone(input)
    }
  }

  private setCurrent(id: ComfyNodeId, displayId: ComfyNodeId): void {
    const plan = this.base.plan.nodes
    const planned = plan.get(id) ?? plan.get(displayId) ?? plan.get(id.split('.')[0] ?? id)
    this.currentNode = {
      id,
      displayId,
      classType: planned?.classType ?? null,
      step: planned?.step ?? `Running node ${displayId}...`,
    }
    this.changed = true
  }
}

/** Seconds from `startedAt` to `now`, to a tenth; 0 before the start. */
export function elapsedSeconds(startedAt: number | null, now: number): number {
  return startedAt === null ? 0 : Math.max(0, Math.round((now - startedAt) / 100) / 10)
}
