import { type ApiPrompt, isLink } from '../validation/ApiPrompt.js'

/**
 * A port of ComfyUI 0.3.64's `ExecutionList` (`comfy_execution/graph.py`): which node runs next.
 * Nodes are added depth-first from the output nodes, skipping cached dependencies; among the ready
 * nodes, `ux_friendly_pick_node` prefers output nodes, then nodes that unblock an output node
 * within one or two hops, then the first added. This reproduces the recorded order
 * (`4, 5, 7, 6, 3, 8, 9` for txt2img).
 *
 * @module
 */

/** How the list sees nodes. */
export interface ExecutionListGraph {
  readonly prompt: ApiPrompt
  /** Whether a node's output is cached (cached dependencies are not added). */
  readonly isCached: (nodeId: string) => boolean
  /** Whether a node's class is an output node. */
  readonly isOutput: (nodeId: string) => boolean
}

/** The nodes still to run, and their dependencies. */
export class ExecutionList {
  private readonly pending = new Map<string, true>()
  private readonly blockCount = new Map<string, number>()
  private readonly blocking = new Map<string, Set<string>>()

  constructor(private readonly graph: ExecutionListGraph) {}

  /** Whether every added node has completed. */
  isEmpty(): boolean {
    return this.pending.size === 0
  }

  /** Adds a node and, depth-first, every uncached node it depends on. */
  addNode(nodeId: string): void {
    const stack = [nodeId]
    const links: [from: string, to: string][] = []
    while (stack.length > 0) {
      const id = stack.pop()!
      if (this.pending.has(id)) continue
      this.pending.set(id, true)
      this.blockCount.set(id, 0)
      this.blocking.set(id, new Set())
      for (const value of Object.values(this.graph.prompt[id]?.inputs ?? {})) {
        if (!isLink(value) || typeof value[0] !== 'string') continue
        const from = value[0]
        if (!this.graph.isCached(from)) stack.push(from)
        links.push([from, id])
      }
    }
    for (const [from, to] of links) this.addLink(from, to)
  }

  /** The next node to run, or `undefined` if none is ready (only possible with a cycle). */
  stage(): string | undefined {
    const ready = [...this.pending.keys()].filter((id) => this.blockCount.get(id) === 0)
    if (ready.length === 0) return undefined
    const { isOutput } = this.graph
    const blocks = (id: string): Set<string> => this.blocking.get(id) ?? new Set()
    return (
      ready.find((id) => isOutput(id)) ??
      ready.find((id) => [...blocks(id)].some(isOutput)) ??
      ready.find((id) => [...blocks(id)].some((next) => [...blocks(next)].some(isOutput))) ??
      ready[0]
    )
  }

  /** Marks a node done: the nodes it blocked may become ready. */
  complete(nodeId: string): void {
    this.pending.delete(nodeId)
    for (const blocked of this.blocking.get(nodeId) ?? []) {
      this.blockCount.set(blocked, (this.blockCount.get(blocked) ?? 1) - 1)
    }
    this.blocking.delete(nodeId)
  }

  private addLink(from: string, to: string): void {
    if (this.graph.isCached(from)) return
    this.addNode(from)
    const blocked = this.blocking.get(from)!
    if (blocked.has(to)) return
    blocked.add(to)
    this.blockCount.set(to, (this.blockCount.get(to) ?? 0) + 1)
  }
}
