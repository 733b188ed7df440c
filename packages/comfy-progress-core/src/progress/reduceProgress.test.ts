import { describe, expect, it } from 'vitest'
import { loadWorkflow } from '../../test/helpers.js'
import type { ComfyMessage } from '../protocol/ComfyMessage.js'
import { initialProgressState, type ProgressState } from './ProgressState.js'
import { reduceProgress } from './reduceProgress.js'

const P = 'prompt-1'
const workflow = loadWorkflow('txt2img-basic.json') // 4 → 5,6,7 → 3 (KSampler, 20 steps) → 8 → 9

const start = (): ComfyMessage => ({ type: 'execution_start', data: { prompt_id: P, timestamp: 1 } })
const cached = (nodes: string[]): ComfyMessage => ({
  type: 'execution_cached',
  data: { nodes, prompt_id: P },
})
const executing = (node: string | null, prompt_id: string | undefined = P): ComfyMessage =>
  node === null
    ? { type: 'executing', data: { node, ...(prompt_id ? { prompt_id } : {}) } }
    : { type: 'executing', data: { node, display_node: node, ...(prompt_id ? { prompt_id } : {}) } }
const progress = (node: string, value: number, max: number, prompt_id = P): ComfyMessage => ({
  type: 'progress',
  data: { value, max, node, prompt_id },
})
const snapshot = (nodes: Record<string, [number, number, 'running' | 'finished']>): ComfyMessage => ({
  type: 'progress_state',
  data: {
    prompt_id: P,
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([id, [value, max, state]]) => [
        id,
        {
          value,
          max,
          state,
          node_id: id,
          prompt_id: P,
          display_node_id: id,
          parent_node_id: null,
          real_node_id: id,
        },
      ]),
    ),
  },
})
const executed = (node: string, filename: string): ComfyMessage => ({
  type: 'executed',
  data: {
    node,
    display_node: node,
    output: { images: [{ filename, subfolder: '', type: 'output' }] },
    prompt_id: P,
  },
})
const success = (): ComfyMessage => ({ type: 'execution_success', data: { prompt_id: P, timestamp: 2 } })
const error = (exception_type = 'RuntimeError'): ComfyMessage => ({
  type: 'execution_error',
  data: {
    prompt_id: P,
    node_id: '8',
    node_type: 'VAEDecode',
    executed: ['3'],
    exception_message: 'boom\n',
    exception_type,
    traceback: ['  File "/srv/ComfyUI/execution.py", line 1'],
    current_inputs: {},
    current_outputs: [],
  },
})

/** Feeds messages one per 100 ms and returns every state, the initial one first. */
function replay(
  messages: ComfyMessage[],
  state = initialProgressState({ workflow, promptId: P }),
): ProgressState[] {
  const states = [state]
  messages.forEach((message, i) => states.push((state = reduceProgress(state, message, 1000 + i * 100))))
  return states
}

/** An old server (before 0.3.45 / 2024-07-21): no progress_state, optionally no execution_success. */
function oldServerRun(withSuccess: boolean): ComfyMessage[] {
  return [
    start(),
    cached([]),
    ...['4', '5', '7', '6'].map((id) => executing(id)),
    executing('3'),
    ...Array.from({ length: 20 }, (_, i) => progress('3', i + 1, 20)),
    executing('8'),
    executing('9'),
    executed('9', 'out.png'),
    ...(withSuccess ? [success()] : []),
    executing(null),
  ]
}

describe('reduceProgress', () => {
  it('starts queued, then "Starting..." on execution_start', () => {
    const [queued, started] = replay([start()])
    expect(queued).toMatchObject({
      phase: 'queued',
      percentage: 0,
      currentStep: 'Waiting in queue...',
      eta: null,
    })
    expect(started).toMatchObject({
      phase: 'running',
      percentage: 0,
      currentStep: 'Starting...',
      startedAt: 1000,
    })
  })

  it('follows an old server from executing and progress frames alone, weighted by work', () => {
    const states = replay(oldServerRun(true))
    const at = (predicate: (s: ProgressState) => boolean) => states.find(predicate)!
    const sampling = at((s) => s.currentValue === 10)
    expect(sampling).toMatchObject({ currentStep: 'Sampling image...', currentValue: 10, maxValue: 20 })
    // Loaders and encoders are worth little: half the sampler is about half the prompt.
    expect(sampling.percentage).toBeGreaterThan(40)
    expect(sampling.percentage).toBeLessThan(60)
    expect(at((s) => s.currentStep === 'Decoding image...').percentage).toBeGreaterThan(80)
    const last = states.at(-1)!
    expect(last).toMatchObject({ phase: 'success', percentage: 100, currentStep: 'Complete', eta: 0 })
    expect(last.outcome).toEqual({
      status: 'success',
      outputs: { '9': { images: [{ filename: 'out.png', subfolder: '', type: 'output' }] } },
      images: [{ filename: 'out.png', subfolder: '', type: 'output' }],
    })
    expectMonotonic(states)
  })

  it('takes executing {node: null} as success on servers without execution_success', () => {
    const states = replay(oldServerRun(false))
    expect(states.at(-2)!.percentage).toBe(99)
    expect(states.at(-1)).toMatchObject({ phase: 'success', percentage: 100 })
    expectMonotonic(states)
  })

  it('does not take executing {node: null} as success on a server that sends progress_state', () => {
    // Such servers always send execution_success first; without it, frames were lost.
    const states = replay([start(), snapshot({ '4': [0, 1, 'running'] }), executing('4'), executing(null)])
    expect(states.at(-1)).toBe(states.at(-2))
    expect(states.at(-1)!.phase).toBe('running')
  })

  it('counts cached nodes as done, and everything upstream of a node that starts', () => {
    const afterCache = replay([start(), cached(['4', '5', '6', '7'])]).at(-1)!
    expect(afterCache.work).toBeCloseTo(3.1)
    // No execution_cached (e.g. a prompt without client_id): the sampler's start implies its inputs ran.
    const inferred = replay([snapshot({ '3': [0, 1, 'running'] })]).at(-1)!
    expect(inferred.work).toBeCloseTo(3.1)
    expect(inferred.percentage).toBe(11)
  })

  it('copes with several bars in one node: the bar display resets, the percentage does not', () => {
    const states = replay([
      start(),
      executing('3'),
      progress('3', 10, 10),
      progress('3', 1, 10),
      progress('3', 5, 10),
      progress('3', 2, 4),
    ])
    expect(states.slice(2).map((s) => [s.currentValue, s.maxValue])).toEqual([
      [0, 0],
      [10, 10],
      [1, 10],
      [5, 10],
      [2, 4],
    ])
    expectMonotonic(states)
    expect(Math.max(...states.map((s) => s.percentage))).toBeLessThan(100)
  })

  it('ignores frames of other prompts, and adopts the first prompt id when it has none', () => {
    const state = replay([start()]).at(-1)!
    expect(reduceProgress(state, progress('3', 5, 20, 'other-prompt'), 5000)).toBe(state)
    const anonymous = initialProgressState({ workflow })
    const adopted = reduceProgress(anonymous, start(), 0)
    expect(adopted.promptId).toBe(P)
    expect(reduceProgress(adopted, progress('3', 5, 20, 'other-prompt'), 100)).toBe(adopted)
  })

  it('applies frames without a prompt id (reconnect replay, servers before 2024)', () => {
    const states = replay([start(), executing('3', undefined), progress('3', 4, 20, undefined)])
    expect(states.at(-2)!.currentStep).toBe('Sampling image...')
    expect(states.at(-1)!.currentValue).toBe(4)
  })

  it('follows a prompt joined mid-run (reconnect) without inventing a pace for the work it did not see', () => {
    // After a reconnect: the replayed `executing {node}` (no prompt id), then the live stream at step 29.
    let state = initialProgressState({
      workflow: { ...workflow, '3': { ...workflow['3']!, inputs: { steps: 100 } } },
    })
    state = reduceProgress(state, executing('3', undefined), 10_000)
    expect(state).toMatchObject({ phase: 'running', currentStep: 'Sampling image...', eta: null })
    state = reduceProgress(state, progress('3', 29, 100), 10_100)
    expect(state.promptId).toBe(P)
    expect(state.eta).toBeNull() // steps 1..29 happened while we were away: no timing for them
    expect(state.percentage).toBeGreaterThan(25)
    state = reduceProgress(state, progress('3', 30, 100), 10_200)
    state = reduceProgress(state, progress('3', 31, 100), 10_300)
    // ~0.1 s per step measured live, ~70 steps left plus decode and save.
    expect(state.eta).toBeGreaterThan(5)
    expect(state.eta).toBeLessThan(12)
  })

  it('shows nodes outside the workflow (server-side expansions) without counting them', () => {
    const states = replay([
      start(),
      snapshot({ '3': [0, 1, 'running'] }),
      {
        type: 'progress_state',
        data: {
          prompt_id: P,
          nodes: {
            '3.0.0.1': {
              value: 2,
              max: 8,
              state: 'running',
              node_id: '3.0.0.1',
              prompt_id: P,
              display_node_id: '3',
              parent_node_id: '3',
              real_node_id: '3',
            },
          },
        },
      },
      progress('3.0.0.1', 3, 8),
    ])
    const [before, during, after] = states.slice(2)
    expect(during).toMatchObject({ currentStep: 'Sampling image...', currentValue: 2, maxValue: 8 })
    expect(during!.currentNode).toMatchObject({ id: '3.0.0.1', displayId: '3', classType: 'KSampler' })
    expect(during!.work).toBe(before!.work)
    expect(after).toMatchObject({ currentValue: 3, maxValue: 8 })
    expect(after!.otherNodes.get('3.0.0.1')).toMatchObject({ value: 3, max: 8 })
  })

  it('returns the same object for messages that change nothing', () => {
    const states = replay([start(), snapshot({ '3': [3, 20, 'running'] }), progress('3', 3, 20)])
    expect(states[3]).toBe(states[2])
    const running = states[2]!
    for (const message of [
      { type: 'status', data: { status: { exec_info: { queue_remaining: 1 } } } },
      { type: 'feature_flags', data: { supports_preview_metadata: true } },
      { type: 'unknown', rawType: 'crystools.monitor', data: {} },
      {
        type: 'preview_image',
        eventType: 1,
        mimeType: 'image/jpeg',
        image: new Uint8Array(3),
        metadata: null,
      },
      { type: 'progress_text', nodeId: '3', text: 'hello' },
      start(),
    ] as ComfyMessage[]) {
      expect(reduceProgress(running, message, 99_999)).toBe(running)
    }
  })

  it('ends in error with ComfyUI’s message, type and node, without the traceback', () => {
    const last = replay([start(), executing('8'), error()]).at(-1)!
    expect(last).toMatchObject({ phase: 'error', currentStep: 'Failed', eta: null })
    expect(last.outcome).toEqual({
      status: 'error',
      error: { message: 'boom', exceptionType: 'RuntimeError', nodeId: '8', nodeType: 'VAEDecode' },
    })
    expect(JSON.stringify(last.outcome)).not.toContain('execution.py')
    // Terminal: later frames change nothing.
    expect(reduceProgress(last, success(), 9e9)).toBe(last)
  })

  it('does not end on an ExecutionBlocked error (not terminal)', () => {
    const states = replay([start(), executing('3'), error('ExecutionBlocked'), progress('3', 1, 20)])
    expect(states[3]).toBe(states[2])
    expect(states.at(-1)!.phase).toBe('running')
  })

  it('ends interrupted on execution_interrupted, keeping the percentage', () => {
    const states = replay([
      start(),
      executing('3'),
      progress('3', 10, 20),
      {
        type: 'execution_interrupted',
        data: { prompt_id: P, node_id: '3', node_type: 'KSampler', executed: [] },
      },
    ])
    expect(states.at(-1)).toMatchObject({
      phase: 'interrupted',
      currentStep: 'Cancelled',
      percentage: states.at(-2)!.percentage,
      outcome: { status: 'interrupted', nodeId: '3', nodeType: 'KSampler' },
    })
  })

  it('has no ETA before a progress bar moved, then one that shrinks as the sampler runs', () => {
    const states = replay(oldServerRun(true))
    const firstStep = states.findIndex((s) => s.maxValue > 0)
    expect(states.slice(0, firstStep).every((s) => s.eta === null)).toBe(true)
    const eta = (step: number) => states.find((s) => s.currentValue === step && s.maxValue === 20)!.eta!
    expect(eta(2)).toBeGreaterThan(0)
    expect(eta(15)).toBeLessThan(eta(5))
    expect(states.at(-1)!.elapsed).toBeGreaterThan(0)
  })

  it('never mutates its input state or message', () => {
    let state = initialProgressState({ workflow, promptId: P })
    for (const [i, message] of oldServerRun(true).entries()) {
      const before = JSON.stringify({ ...state, nodes: [...state.nodes], plan: null })
      const frozenMessage = deepFreeze(structuredClone(message))
      const next = reduceProgress(deepFreeze(state), frozenMessage, i * 100)
      expect(JSON.stringify({ ...state, nodes: [...state.nodes], plan: null })).toBe(before)
      state = next
    }
  })

  it('ignores malformed data instead of throwing', () => {
    const state = replay([start()]).at(-1)!
    const bad = [
      { type: 'executing', data: null },
      { type: 'executing', data: { node: 42 } },
      { type: 'progress', data: { value: 'x', max: null, node: '3' } },
      { type: 'progress', data: { value: 1, max: 20 } }, // no node and none running
      { type: 'progress_state', data: { nodes: null } },
      {
        type: 'progress_state',
        data: { nodes: { '3': null, '4': { state: 'running', value: 'a', max: 'b' } } },
      },
      { type: 'execution_cached', data: { nodes: 'all' } },
      { type: 'executed', data: { node: null } },
      { type: 'progress' },
      null,
    ] as unknown as ComfyMessage[]
    for (const message of bad) {
      const next = reduceProgress(state, message, 5000)
      expect(next.percentage).toBe(state.percentage)
      expect(next.phase).toBe('running')
    }
    expect(reduceProgress(state, progress('3', 2, 20), Number.NaN).updatedAt).toBe(state.updatedAt)
  })
})

function expectMonotonic(states: readonly ProgressState[]): void {
  for (let i = 1; i < states.length; i++) {
    expect(states[i]!.percentage).toBeGreaterThanOrEqual(states[i - 1]!.percentage)
    expect(states[i]!.percentage === 100).toBe(states[i]!.phase === 'success')
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !(value instanceof Map)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}
