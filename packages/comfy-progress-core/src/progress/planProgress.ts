import type { ComfyNodeId } from '../protocol/ComfyMessage.js'
import type { ComfyObjectInfo, ComfyWorkflow, ComfyWorkflowNode } from './ComfyWorkflow.js'
import { describeNode } from './describeNode.js'
import { estimateNodeWeight, NODE_WEIGHTS } from './estimateNodeWeight.js'
import { NODE_STEP_NAMES } from './nodeStepNames.js'

/** One workflow node as the progress model sees it. */
export interface PlannedNode {
  readonly id: ComfyNodeId
  /** Position in the workflow: where `ProgressState.nodes` keeps this node's progress. */
  readonly index: number
  readonly classType: string
  /** What the banner says while it runs (see `describeNode`). */
  readonly step: string
  /** Expected work in sampler steps; 0 for a node that will not run (not upstream of any output). */
  readonly weight: number
  /** Ids of the workflow nodes it takes inputs from. */
  readonly inputs: readonly ComfyNodeId[]
}

/** What a prompt is expected to do: built once per task, shared by every state of it (never copied). */
export interface ProgressPlan {
  readonly nodes: ReadonlyMap<ComfyNodeId, PlannedNode>
  /** Sum of the weights: the work of the whole prompt. */
  readonly totalWeight: number
}

/** Options of {@link planProgress}. */
export interface PlanProgressOptions {
  /**
   * The server's `GET /object_info`: which classes are output nodes, and their display names.
   * @default null
   */
  readonly objectInfo?: ComfyObjectInfo | null
  /**
   * Work per class type, in sampler steps.
   * @default NODE_WEIGHTS
   */
  readonly weights?: Readonly<Record<string, number>>
  /**
   * Step names per class type.
   * @default NODE_STEP_NAMES
   */
  readonly stepNames?: Readonly<Record<string, string>>
}

/** ComfyUI 0.3.64's core output nodes (`output_node: true` in object_info), used without object_info. */
const CORE_OUTPUT_NODES = new Set([
  'CLIPSave', 'CheckpointSave', 'ImageOnlyCheckpointSave', 'LoraSave', 'LossGraphNode', 'MaskPreview',
  'ModelSave', 'Preview3D', 'Preview3DAnimation', 'PreviewAny', 'PreviewAudio', 'PreviewImage',
  'SaveAnimatedPNG', 'SaveAnimatedWEBP', 'SaveAudio', 'SaveAudioMP3', 'SaveAudioOpus', 'SaveGLB',
  'SaveImage', 'SaveLatent', 'SaveLoRANode', 'SaveSVGNode', 'SaveVideo', 'SaveWEBM', 'VAESave',
]) // prettier-ignore

/**
 * Builds the {@link ProgressPlan} of an API-format workflow. ComfyUI executes only output nodes and
 * what they depend on, so only those nodes carry weight. A node is an output node when object_info
 * says so; without object_info, when it is a core output class, or an unknown class that nothing
 * consumes (a custom save node, most likely). A workflow with no output node at all counts every node.
 *
 * @example
 * ```ts
 * const plan = planProgress(workflow, { objectInfo })
 * plan.totalWeight // 26.1 for the txt2img-basic workflow (20 of them the sampler's steps)
 * ```
 */
export function planProgress(workflow: ComfyWorkflow, options: PlanProgressOptions = {}): ProgressPlan {
  const objectInfo = options.objectInfo ?? null
  const ids = isRecord(workflow) ? Object.keys(workflow) : []
  const inputsById = new Map<ComfyNodeId, ComfyNodeId[]>()
  const consumed = new Set<ComfyNodeId>()
  for (const id of ids) {
    const node: unknown = workflow[id]
    const inputs = linkedNodes(isRecord(node) ? node.inputs : undefined, workflow)
    inputsById.set(id, inputs)
    for (const input of inputs) consumed.add(input)
  }

  const willRun = new Set<ComfyNodeId>()
  const pending = ids.filter((id) => isOutputNode(classTypeOf(workflow, id), objectInfo, !consumed.has(id)))
  if (pending.length === 0) pending.push(...ids)
  while (pending.length > 0) {
    const id = pending.pop()!
    if (willRun.has(id)) continue
    willRun.add(id)
    for (const input of inputsById.get(id) ?? []) pending.push(input)
  }

  const weights = options.weights ? { ...NODE_WEIGHTS, ...options.weights } : NODE_WEIGHTS
  const stepNames = options.stepNames ?? NODE_STEP_NAMES
  const nodes = new Map<ComfyNodeId, PlannedNode>()
  let totalWeight = 0
  for (const id of ids) {
    const node: Partial<ComfyWorkflowNode> = isRecord(workflow[id]) ? workflow[id] : {}
    const classType = classTypeOf(workflow, id)
    const weight = willRun.has(id) ? estimateNodeWeight({ ...node, class_type: classType }, weights) : 0
    const title = typeof node._meta?.title === 'string' ? node._meta.title : null
    nodes.set(id, {
      id,
      index: nodes.size,
      classType,
      step: describeNode(classType, { title, objectInfo, stepNames }),
      weight,
      inputs: inputsById.get(id) ?? [],
    })
    totalWeight += weight
  }
  return { nodes, totalWeight }
}

function isOutputNode(classType: string, objectInfo: ComfyObjectInfo | null, isSink: boolean): boolean {
  const info = objectInfo && Object.hasOwn(objectInfo, classType) ? objectInfo[classType] : undefined
  if (typeof info?.output_node === 'boolean') return info.output_node
  if (CORE_OUTPUT_NODES.has(classType)) return true
  if (info || Object.hasOwn(NODE_WEIGHTS, classType) || Object.hasOwn(NODE_STEP_NAMES, classType))
    return false
  return isSink
}

function classTypeOf(workflow: ComfyWorkflow, id: ComfyNodeId): string {
  const node: unknown = workflow[id]
  const classType = isRecord(node) ? node.class_type : undefined
  return typeof classType === 'string' ? classType : 'unknown'
}

/** Node ids that `inputs` links to: `[nodeId, outputIndex]` pairs whose node is in the workflow. */
function linkedNodes(inputs: unknown, workflow: ComfyWorkflow): ComfyNodeId[] {
  if (!isRecord(inputs)) return []
  const linked: ComfyNodeId[] = []
  for (const value of Object.values(inputs)) {
    if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'number') continue
    const source: unknown = value[0]
    const id = typeof source === 'number' ? String(source) : source
    if (typeof id === 'string' && Object.hasOwn(workflow, id) && !linked.includes(id)) linked.push(id)
  }
  return linked
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
