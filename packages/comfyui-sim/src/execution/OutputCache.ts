import { createHash } from 'node:crypto'
import { toPythonJson } from '../internal/pythonJson.js'
import { type ApiPrompt, isLink } from '../validation/ApiPrompt.js'

/**
 * ComfyUI 0.3.64's default ("classic") output cache: a node's cache key is its input signature
 * (class, `IS_CHANGED` value, widget values, and the signatures of everything upstream), so a node
 * is cached when an identical node ran before. Before each prompt the cache drops every entry the
 * new prompt does not use, which is why only nodes of the previous prompt are ever cached
 * (`fixtures/comfyui/README.md`, "Caching").
 *
 * @module
 */

/** What the cache keeps for a node: the UI output it showed, if any. */
export interface CachedNode {
  readonly ui:
    { readonly output: Record<string, unknown>; readonly meta: Record<string, unknown> } | undefined
}

/** The cache, keyed by signature. */
export class OutputCache {
  private entries = new Map<string, CachedNode>()

  /** Keeps only the entries whose signatures the new prompt uses (`clean_unused`). */
  keepOnly(signatures: Iterable<string>): void {
    const keep = new Set(signatures)
    for (const signature of [...this.entries.keys()]) if (!keep.has(signature)) this.entries.delete(signature)
  }

  /** The cached entry for a signature. */
  get(signature: string): CachedNode | undefined {
    return this.entries.get(signature)
  }

  /** Stores a node's result. */
  set(signature: string, node: CachedNode): void {
    this.entries.set(signature, node)
  }

  /** Forgets everything (restart). */
  clear(): void {
    this.entries = new Map()
  }
}

/**
 * The signature of every node of a prompt. `isChanged` stands in for a class's `IS_CHANGED` (e.g.
 * LoadImage hashes its file). Links to missing nodes and cycles get signatures that match nothing.
 */
export function computeSignatures(
  prompt: ApiPrompt,
  isChanged: (nodeId: string) => unknown,
): Map<string, string> {
  const signatures = new Map<string, string>()
  const visiting = new Set<string>()
  const signatureOf = (id: string): string => {
    const known = signatures.get(id)
    if (known !== undefined) return known
    const node = Object.hasOwn(prompt, id) ? prompt[id] : undefined
    if (!node || visiting.has(id)) return `unresolvable:${id}:${Math.random()}`
    visiting.add(id)
    const parts: unknown[] = [node.class_type, isChanged(id) ?? false]
    for (const name of Object.keys(node.inputs ?? {}).sort()) {
      const value = node.inputs[name]
      parts.push(
        isLink(value) && typeof value[0] === 'string'
          ? [name, 'ANCESTOR', signatureOf(value[0]), value[1]]
          : [name, value],
      )
    }
    visiting.delete(id)
    const signature = createHash('sha1').update(toPythonJson(parts)).digest('hex')
    signatures.set(id, signature)
    return signature
  }
  for (const id of Object.keys(prompt)) signatureOf(id)
  return signatures
}
