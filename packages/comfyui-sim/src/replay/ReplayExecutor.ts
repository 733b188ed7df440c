import type { ComfyImageRef } from '@comfy-progress/core'
import type { ExecutionOutcome, ExecutorContext, PromptExecutor } from '../execution/PromptExecutor.js'
import { previewFrame, previewMetadata, previewWithMetadataFrame } from '../frames/binaryFrames.js'
import type { TextFrame } from '../frames/textFrames.js'
import { previewJpeg } from '../images/previewJpeg.js'
import { renderOutputImage } from '../images/renderOutputImage.js'
import { isObject } from '../http/httpUtils.js'
import type { QueueItem } from '../queue/PromptQueue.js'
import { isFolder } from '../storage/FileStore.js'
import type { RecordedFrame, RecordedPrompt } from './ReplaySession.js'

/**
 * Plays a recorded prompt's frames to the live client: the recorded ids become the live ones,
 * `timestamp`s are moved to the live clock, binary frames are sent as recorded (or rebuilt around
 * the bundled preview JPEG when the recording dropped their bytes), and the delays between frames
 * are the recorded ones divided by `speed`. Delivery follows ComfyUI's rules for each frame type,
 * so observers and prompts without `client_id` behave as on a real server. An interrupt stops the
 * replay with `execution_interrupted`.
 *
 * @module
 */

const SUBMITTER_ONLY = new Set([
  'execution_start',
  'execution_cached',
  'execution_success',
  'executing',
  'executed',
  'execution_error',
])

export class ReplayExecutor implements PromptExecutor {
  constructor(
    private readonly context: ExecutorContext,
    private readonly recorded: RecordedPrompt,
  ) {}

  async execute(item: QueueItem): Promise<ExecutionOutcome> {
    const [, promptId, prompt, extraData] = item
    const { hub, state, scheduler, faults } = this.context
    const clientId = extraData.client_id
    state.clientId = clientId
    state.lastNodeId = undefined
    state.interrupted = false
    const messages: [string, unknown][] = []
    const executed: string[] = []
    const outputs: Record<string, unknown> = {}
    const meta: Record<string, unknown> = {}
    const start = this.context.now()
    let firstTimestamp: number | undefined
    let currentNode: string | undefined
    let previous = this.recorded.frames[0]?.t ?? 0

    const frames = this.recorded.frames
    for (const [index, frame] of frames.entries()) {
      await scheduler.sleep(Math.max(0, frame.t - previous) / this.context.speed())
      previous = frame.t
      if (state.interrupted && isInterruptCheck(frames, index)) {
        const node = currentNode ?? Object.keys(prompt)[0] ?? ''
        const data = {
          prompt_id: promptId,
          node_id: node,
          node_type: prompt[node]?.class_type ?? '',
          executed: executed.filter((id) => id !== node),
          timestamp: this.context.now(),
        }
        messages.push(['execution_interrupted', data])
        hub.send(clientId ?? null, { type: 'execution_interrupted', data })
        return { success: false, messages, outputs, meta }
      }
      if (frame.kind === 'binary') {
        hub.send(clientId ?? null, this.rebuildBinary(frame, promptId, currentNode))
        continue
      }
      const message = remap(frame.message, this.recorded.promptId, promptId) as TextFrame
      const data = message.data as Record<string, unknown>
      if (typeof data.timestamp === 'number') {
        firstTimestamp ??= data.timestamp
        data.timestamp = start + (data.timestamp - firstTimestamp)
      }
      if (message.type.startsWith('execution_')) messages.push([message.type, data])
      if (message.type === 'executing' && typeof data.node === 'string') {
        currentNode = data.node
        executed.push(data.node)
        if (clientId !== undefined) state.lastNodeId = data.node
      }
      if (message.type === 'executed' && typeof data.node === 'string' && isObject(data.output)) {
        outputs[data.node] = data.output
        meta[data.node] = {
          node_id: data.node,
          display_node: data.node,
          parent_node: null,
          real_node_id: data.node,
        }
        this.materialise(data.output)
      }
      if (message.type === 'executing' && data.node === null) continue
      if (SUBMITTER_ONLY.has(message.type) && clientId === undefined) continue
      hub.send(clientId ?? null, message)
      if (message.type === 'progress' && typeof data.value === 'number') {
        for (const drop of faults.takeDrops(data.value, String(data.node)))
          hub.drop(drop.clientId ?? clientId, drop.mode ?? 'terminate')
      }
    }
    const history = this.recorded.history
    if (history && isObject(history.outputs)) {
      for (const [node, output] of Object.entries(history.outputs)) {
        outputs[node] = output
        if (isObject(output)) this.materialise(output)
      }
      if (isObject(history.meta)) Object.assign(meta, history.meta)
    }
    const success = messages.some(([type]) => type === 'execution_success')
    return { success, messages, outputs, meta }
  }

  /** A recorded binary frame for the live prompt: as recorded, or rebuilt when its bytes were dropped. */
  private rebuildBinary(
    frame: Extract<RecordedPrompt['frames'][number], { kind: 'binary' }>,
    promptId: string,
    node: string | undefined,
  ): Buffer {
    if (frame.eventType === 4) {
      if (frame.bytes) {
        const length = frame.bytes.readUInt32BE(4)
        const metadata = JSON.parse(frame.bytes.subarray(8, 8 + length).toString('utf8')) as Record<
          string,
          unknown
        >
        const mapped = remap(metadata, this.recorded.promptId, promptId) as Parameters<
          typeof previewWithMetadataFrame
        >[1]
        return previewWithMetadataFrame(frame.bytes.subarray(8 + length), mapped)
      }
      return previewWithMetadataFrame(previewJpeg(), previewMetadata(node ?? '', promptId))
    }
    if (frame.bytes) return frame.bytes
    if (frame.eventType === 1)
      return previewFrame(
        previewJpeg(),
        frame.header.length >= 8 && frame.header.readUInt32BE(4) === 2 ? 2 : 1,
      )
    return Buffer.concat([frame.header, Buffer.alloc(Math.max(0, frame.length - frame.header.length))])
  }

  /** Creates the files a replayed output names, so that `GET /view` serves them. */
  private materialise(output: Record<string, unknown>): void {
    const images = Array.isArray(output.images) ? (output.images as ComfyImageRef[]) : []
    for (const [index, image] of images.entries()) {
      if (!isObject(image) || typeof image.filename !== 'string' || !isFolder(image.type)) continue
      const subfolder = typeof image.subfolder === 'string' ? image.subfolder : ''
      const file = { folder: image.type, subfolder, name: image.filename }
      if (this.context.files.get(file)) continue
      this.context.files.set(file, renderOutputImage({ width: 512, height: 512, seed: index + 1 }))
    }
  }
}

/**
 * Where ComfyUI checks the interrupt flag: at each progress update (before its `progress_state`)
 * and before a node's function runs (right after its `executing`). An interrupt during a replay
 * takes effect at the next such point, as on the real server.
 */
function isInterruptCheck(frames: readonly RecordedFrame[], index: number): boolean {
  const frame = frames[index]!
  const previous = frames[index - 1]
  if (
    previous?.kind === 'text' &&
    previous.message.type === 'executing' &&
    previous.message.data.node !== null
  )
    return true
  if (frame.kind !== 'text' || frame.message.type !== 'progress_state') return false
  const next = frames.slice(index + 1).find((f) => f.kind === 'text')
  return next?.kind === 'text' && next.message.type === 'progress'
}

/** Deep copy with every string equal to `from` replaced by `to`. */
function remap(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from ? to : value
  if (Array.isArray(value)) return value.map((item) => remap(item, from, to))
  if (isObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key === from ? to : key] = remap(item, from, to)
    return out
  }
  return value
}
