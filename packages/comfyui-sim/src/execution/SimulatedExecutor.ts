import { createHash } from 'node:crypto'
import type { ComfyNodeOutput } from '@comfy-progress/core'
import { previewFrame, previewMetadata, previewWithMetadataFrame } from '../frames/binaryFrames.js'
import {
  executedFrame,
  executingFrame,
  FLOAT_ONE,
  FLOAT_ZERO,
  type NodeProgress,
  progressFrame,
  progressStateFrame,
} from '../frames/textFrames.js'
import { previewJpeg } from '../images/previewJpeg.js'
import type { QueueItem } from '../queue/PromptQueue.js'
import { ExecutionList } from './ExecutionList.js'
import { computeSignatures } from './OutputCache.js'
import type { ExecutionOutcome, ExecutorContext, PromptExecutor } from './PromptExecutor.js'
import { describeInputs, type NodeContext, samplerSteps } from './nodeBehaviour.js'
import { builtinFailure, injectedFailure, type NodeFailure } from './nodeFailures.js'
import { saveImages } from './saveImages.js'

/**
 * A model of ComfyUI 0.3.64's `PromptExecutor.execute`: the frames of a prompt, in the order and
 * with the delivery the recordings show (`fixtures/comfyui/README.md`, "Order of frames"), the
 * classic output cache, the interrupt checks (before each node function and on every progress
 * step), runtime errors, and durations from the recorded timing model.
 *
 * @module
 */
export class SimulatedExecutor implements PromptExecutor {
  constructor(private readonly context: ExecutorContext) {}

  async execute(item: QueueItem): Promise<ExecutionOutcome> {
    const [, promptId, prompt, extraData, outputs] = item
    const { hub, cache, state, faults, files, objectInfo, timing } = this.context
    const clientId = extraData.client_id
    const target = clientId ?? null
    state.clientId = clientId
    state.lastNodeId = undefined
    state.interrupted = false
    const messages: [string, unknown][] = []
    const add = (type: string, data: Record<string, unknown>, broadcast = false): void => {
      const stamped = { ...data, timestamp: this.context.now() }
      messages.push([type, stamped])
      if (broadcast || clientId !== undefined) hub.send(target, { type, data: stamped })
    }
    const sleep = (ms: number): Promise<void> => this.context.scheduler.sleep(ms / this.context.speed())
    const nodeContext: NodeContext = { prompt, objectInfo, files }

    add('execution_start', { prompt_id: promptId })
    const signatures = computeSignatures(prompt, (id) => this.isChanged(nodeContext, id))
    cache.keepOnly(signatures.values())
    const isCached = (id: string): boolean => cache.get(signatures.get(id) ?? '') !== undefined
    add('execution_cached', { nodes: Object.keys(prompt).filter(isCached), prompt_id: promptId })

    const list = new ExecutionList({
      prompt,
      isCached,
      isOutput: (id) => objectInfo[prompt[id]?.class_type ?? '']?.output_node === true,
    })
    for (const output of outputs) list.addNode(output)
    const progress = new Map<string, NodeProgress>()
    const sendProgress = (): void => hub.send(target, progressStateFrame(promptId, progress))
    const executed: string[] = []
    const ui: Record<string, ComfyNodeOutput> = {}
    const meta: Record<string, unknown> = {}
    const stop = (
      type: 'execution_interrupted' | 'execution_error',
      nodeId: string,
      failure?: NodeFailure,
    ) => {
      const node = {
        prompt_id: promptId,
        node_id: nodeId,
        node_type: prompt[nodeId]!.class_type,
        executed: [...executed],
      }
      if (!failure) add(type, node, true)
      else {
        add(type, {
          ...node,
          exception_message: failure.exceptionMessage,
          exception_type: failure.exceptionType,
          traceback: failure.traceback,
          current_inputs: describeInputs(nodeContext, nodeId),
          current_outputs: Object.keys(prompt),
        })
      }
      return { success: false, messages, outputs: ui, meta }
    }

    while (!list.isEmpty()) {
      const nodeId = list.stage()
      if (nodeId === undefined) {
        const stuck = [...outputs][0] ?? Object.keys(prompt)[0]!
        return stop('execution_error', stuck, {
          exceptionType: 'graph.DependencyCycleError',
          exceptionMessage: 'Dependency cycle detected',
          traceback: [],
        })
      }
      const classType = prompt[nodeId]!.class_type
      const signature = signatures.get(nodeId) ?? ''
      const cached = cache.get(signature)
      if (cached) {
        if (clientId !== undefined)
          hub.send(clientId, executedFrame(nodeId, cached.ui?.output ?? null, promptId))
        if (cached.ui) {
          ui[nodeId] = cached.ui.output
          meta[nodeId] = cached.ui.meta
        }
        progress.set(nodeId, { value: 1, max: 1, state: 'finished' })
        sendProgress()
        list.complete(nodeId)
        continue
      }

      progress.set(nodeId, { value: FLOAT_ZERO, max: FLOAT_ONE, state: 'running' })
      sendProgress()
      if (clientId !== undefined) {
        state.lastNodeId = nodeId
        hub.send(clientId, executingFrame(nodeId, promptId))
      }
      if (state.interrupted) return stop('execution_interrupted', nodeId)
      const armed = faults.takeNodeFailure(nodeId, classType)
      const failure = armed ? injectedFailure(armed, classType) : builtinFailure(nodeContext, nodeId)
      const steps = failure ? undefined : samplerSteps(nodeContext, nodeId)
      if (steps !== undefined) {
        await sleep(timing.firstStepMs)
        for (let step = 1; step <= steps; step++) {
          if (step > 1) await sleep(timing.stepMs)
          if (state.interrupted) return stop('execution_interrupted', nodeId)
          this.sendStep({ promptId, nodeId, step, steps, clientId }, () => {
            progress.set(nodeId, { value: step, max: steps, state: 'running' })
            sendProgress()
          })
        }
        await sleep(timing.lastStepMs)
      } else {
        await sleep(timing.nodeMs[classType] ?? timing.defaultNodeMs)
      }
      if (failure) return stop('execution_error', nodeId, failure)

      executed.push(nodeId)
      const output = saveImages(nodeContext, nodeId, seedOf(promptId, nodeId))
      const nodeMeta = { node_id: nodeId, display_node: nodeId, parent_node: null, real_node_id: nodeId }
      if (output) {
        ui[nodeId] = output
        meta[nodeId] = nodeMeta
        if (clientId !== undefined) hub.send(clientId, executedFrame(nodeId, output, promptId))
      }
      cache.set(signature, { ui: output ? { output, meta: nodeMeta } : undefined })
      const entry = progress.get(nodeId)!
      progress.set(nodeId, { value: entry.max, max: entry.max, state: 'finished' })
      sendProgress()
      list.complete(nodeId)
    }
    add('execution_success', { prompt_id: promptId })
    return { success: true, messages, outputs: ui, meta }
  }

  /** One sampler step: progress_state, then the preview and `progress` in the order the client's flags decide. */
  private sendStep(
    step: { promptId: string; nodeId: string; step: number; steps: number; clientId: string | undefined },
    sendProgressState: () => void,
  ): void {
    const { hub, previews, faults } = this.context
    const target = step.clientId ?? null
    const withMetadata = step.clientId !== undefined && hub.supportsPreviewMetadata(step.clientId)
    sendProgressState()
    if (previews && withMetadata) {
      hub.send(
        step.clientId,
        previewWithMetadataFrame(previewJpeg(), previewMetadata(step.nodeId, step.promptId)),
      )
    }
    hub.send(
      target,
      progressFrame({ value: step.step, max: step.steps, promptId: step.promptId, node: step.nodeId }),
    )
    if (previews && !withMetadata) hub.send(target, previewFrame(previewJpeg()))
    for (const drop of faults.takeDrops(step.step, step.nodeId)) {
      hub.drop(drop.clientId ?? step.clientId, drop.mode ?? 'terminate')
    }
  }

  /** `IS_CHANGED`: file loaders change when their file's bytes do. */
  private isChanged(context: NodeContext, nodeId: string): unknown {
    const node = context.prompt[nodeId]!
    if (!/^LoadImage/.test(node.class_type) || typeof node.inputs.image !== 'string') return false
    const bytes = context.files.resolve(
      node.inputs.image,
      node.class_type === 'LoadImageOutput' ? 'output' : 'input',
    )
    return bytes ? createHash('sha256').update(bytes).digest('hex') : 'missing'
  }
}

function seedOf(promptId: string, nodeId: string): number {
  return createHash('sha1').update(`${promptId}/${nodeId}`).digest().readUInt32BE(0)
}
