import type {
  ComfyExecutionErrorMessage,
  ComfyExecutionInterruptedMessage,
  ComfyImageRef,
  ComfyMessage,
  ComfyNodeOutput,
} from '../protocol/ComfyMessage.js'
import { measureRate } from './estimateEta.js'
import { elapsedSeconds, ProgressDraft } from './ProgressDraft.js'
import { PHASE_STEP_NAMES, type ProgressOutputs, type ProgressState } from './ProgressState.js'

/**
 * Folds one ComfyUI message into the progress of **one prompt**. Pure: no clock inside (`now` is the
 * time the message arrived, in ms), no input is mutated, and the same state object comes back when the
 * message changes nothing (so `next !== state` tells you there is something new to publish).
 *
 * Feed it only the prompt's own messages. ComfyUI broadcasts `progress`, `progress_state` and previews of
 * prompts submitted without a `client_id` to every socket, and `status` always: filter by `prompt_id`
 * first. As a safety net the reducer ignores messages whose `prompt_id` names another prompt than
 * `state.promptId` (a state created without a prompt id adopts the first one it sees). Messages without
 * a prompt id (the reconnect replay `executing {node}`, servers before 2024) are applied.
 *
 * What it computes:
 * - `percentage`: work done over expected work, where a sampler weighs its steps and other nodes what
 *   `NODE_WEIGHTS` says; cached nodes count as done, and so does everything upstream of a node that
 *   starts. Uses `progress_state` snapshots when the server sends them and `executing`/`progress`
 *   otherwise. Never decreases; at most 99 until `execution_success` (or, on servers that predate it
 *   and send no snapshots, `executing {node: null}`) makes it 100.
 * - `currentStep`, `currentValue`, `maxValue`: the running node's name and progress bar.
 * - `eta` and `elapsed`, in seconds.
 * - `outcome`: success with the outputs of `executed` frames, error (ComfyUI's message, exception type
 *   and node; never the traceback) or interrupted. `ExecutionBlocked` errors are not terminal. After a
 *   terminal message the state no longer changes.
 *
 * On a server that sends snapshots, `executing {node: null}` without a terminal message before it means
 * frames were lost: the state stays `running`, and the caller should reconcile from `GET /history`.
 *
 * @example
 * ```ts
 * let state = initialProgressState({ workflow, promptId })
 * socket.on('message', (data, isBinary) => {
 *   const parsed = parseMessage(isBinary ? data : data.toString())
 *   if (!parsed.ok) return
 *   const next = reduceProgress(state, parsed.message, Date.now())
 *   if (next === state) return
 *   state = next
 *   console.log(`${state.percentage}% ${state.currentStep} eta ${state.eta ?? '?'} s`)
 * })
 * ```
 */
export function reduceProgress(state: ProgressState, message: ComfyMessage, now: number): ProgressState {
  if (state.phase !== 'queued' && state.phase !== 'running') return state
  // Binary messages (previews, progress text) carry no progress; malformed `data` is ignored, not fatal.
  if (typeof message !== 'object' || message === null || !hasData(message)) return state
  const promptId = promptIdOf(message)
  if (promptId !== undefined && state.promptId !== null && promptId !== state.promptId) return state
  const time = Number.isFinite(now) ? now : (state.updatedAt ?? 0)

  switch (message.type) {
    case 'execution_start':
      return state.phase === 'queued' ? begin(state, promptId, time) : state
    case 'execution_cached': {
      const draft = new ProgressDraft(begin(state, promptId, time), false)
      const nodes = message.data.nodes
      if (Array.isArray(nodes)) for (const id of nodes) if (typeof id === 'string') draft.markDone(id, false)
      return commit(state, draft, time)
    }
    case 'executing': {
      const node = message.data.node
      if (node === null) return endOfPrompt(state, promptId, time)
      if (typeof node !== 'string') return state
      // Fast path: the running node announced again (progress_state announced it first).
      if (state.currentNode?.id === node && state.promptId !== null) return state
      const draft = draftFor(state, promptId, time)
      const displayId = message.data.display_node
      draft.startNode(node, typeof displayId === 'string' ? displayId : node)
      return commit(state, draft, time)
    }
    case 'progress': {
      const { value, max } = message.data
      const id = typeof message.data.node === 'string' ? message.data.node : state.currentNode?.id
      if (id === undefined || !Number.isFinite(value) || !Number.isFinite(max) || max <= 0) return state
      // Fast path: the step progress_state reported just before (modern servers send both).
      if (id === state.currentNode?.id && value === state.currentValue && max === state.maxValue) return state
      const draft = draftFor(state, promptId, time)
      draft.advanceBar(id, value, max)
      return commit(state, draft, time)
    }
    case 'progress_state': {
      const nodes = message.data.nodes
      if (typeof nodes !== 'object' || nodes === null) return state
      const draft = draftFor(state, promptId, time)
      draft.applySnapshot(nodes)
      return commit(state, draft, time)
    }
    case 'executed': {
      const node = message.data.node
      if (typeof node !== 'string') return state
      const draft = draftFor(state, promptId, time)
      draft.markDone(node, draft.has(node))
      const output = message.data.output
      return draft.commit(time, { ...state.outputs, [node]: typeof output === 'object' ? output : null })
    }
    case 'execution_success':
      return succeed(state, promptId, time)
    case 'execution_error':
      return message.data.exception_type === 'ExecutionBlocked' ? state : fail(state, message, time)
    case 'execution_interrupted':
      return interrupt(state, message, time)
    default:
      // status (not per prompt), feature_flags, previews, progress text, unknown types: no progress.
      return state
  }
}

function hasData(message: ComfyMessage): boolean {
  return 'data' in message && typeof message.data === 'object' && message.data !== null
}

/** The prompt id a message names, if any. */
function promptIdOf(message: ComfyMessage): string | undefined {
  const promptId = (message as { data: { prompt_id?: unknown } }).data.prompt_id
  return typeof promptId === 'string' ? promptId : undefined
}

/** `state` running: a queued prompt starts (its pace clock too); a running one may learn its prompt id. */
function begin(state: ProgressState, promptId: string | undefined, now: number): ProgressState {
  if (state.phase !== 'queued') {
    return state.promptId === null && promptId !== undefined ? { ...state, promptId, updatedAt: now } : state
  }
  return {
    ...state,
    phase: 'running',
    promptId: state.promptId ?? promptId ?? null,
    startedAt: now,
    updatedAt: now,
    currentStep: PHASE_STEP_NAMES.starting,
    // Work seen from here on has a start time.
    rate: measureRate(state.rate, { work: 0, now }, state.rateOptions),
  }
}

/**
 * A draft for a message about a node. A prompt followed from the middle (its first message is not
 * `execution_start`) has no start time for the work already done, so that work is not measured.
 */
function draftFor(state: ProgressState, promptId: string | undefined, now: number): ProgressDraft {
  return new ProgressDraft(begin(state, promptId, now), state.phase !== 'queued')
}

/** The draft's next state, or `state` itself when the message changed nothing. */
function commit(state: ProgressState, draft: ProgressDraft, now: number): ProgressState {
  return draft.isChanged || state.phase === 'queued' ? draft.commit(now) : state
}

function endOfPrompt(state: ProgressState, promptId: string | undefined, now: number): ProgressState {
  // Servers with snapshots (0.3.45+) always send execution_success first: its absence means lost frames.
  if (state.hasSnapshots) return state
  if (state.phase === 'queued' && promptId === undefined) return state
  return succeed(state, promptId, now)
}

function succeed(state: ProgressState, promptId: string | undefined, now: number): ProgressState {
  const started = begin(state, promptId, now)
  return {
    ...started,
    phase: 'success',
    work: started.plan.totalWeight,
    percentage: 100,
    currentNode: null,
    currentStep: PHASE_STEP_NAMES.success,
    currentValue: started.lastBarMax,
    maxValue: started.lastBarMax,
    eta: 0,
    elapsed: elapsedSeconds(started.startedAt, now),
    updatedAt: now,
    outcome: { status: 'success', outputs: started.outputs, images: imagesOf(started.outputs) },
  }
}

function fail(state: ProgressState, message: ComfyExecutionErrorMessage, now: number): ProgressState {
  const data = message.data
  const started = begin(state, data.prompt_id, now)
  return {
    ...started,
    phase: 'error',
    currentStep: PHASE_STEP_NAMES.error,
    eta: null,
    elapsed: elapsedSeconds(started.startedAt, now),
    updatedAt: now,
    outcome: {
      status: 'error',
      error: {
        message: typeof data.exception_message === 'string' ? data.exception_message.trim() : '',
        exceptionType: typeof data.exception_type === 'string' ? data.exception_type : 'Error',
        nodeId: typeof data.node_id === 'string' ? data.node_id : null,
        nodeType: typeof data.node_type === 'string' ? data.node_type : null,
      },
    },
  }
}

function interrupt(
  state: ProgressState,
  message: ComfyExecutionInterruptedMessage,
  now: number,
): ProgressState {
  const data = message.data
  const started = begin(state, data.prompt_id, now)
  return {
    ...started,
    phase: 'interrupted',
    currentStep: PHASE_STEP_NAMES.interrupted,
    eta: null,
    elapsed: elapsedSeconds(started.startedAt, now),
    updatedAt: now,
    outcome: {
      status: 'interrupted',
      nodeId: typeof data.node_id === 'string' ? data.node_id : null,
      nodeType: typeof data.node_type === 'string' ? data.node_type : null,
    },
  }
}

/** Every image ref of every output, in order; entries without a file name are skipped. */
function imagesOf(outputs: ProgressOutputs): ComfyImageRef[] {
  const images: ComfyImageRef[] = []
  for (const id in outputs) {
    const list = (outputs[id] as ComfyNodeOutput | null)?.images
    if (!Array.isArray(list)) continue
    for (const image of list as unknown[]) {
      if (typeof image !== 'object' || image === null) continue
      const { filename, subfolder, type } = image as Partial<Record<keyof ComfyImageRef, unknown>>
      if (typeof filename !== 'string') continue
      images.push({
        filename,
        subfolder: typeof subfolder === 'string' ? subfolder : '',
        type: typeof type === 'string' ? type : 'output',
      })
    }
  }
  return images
}
