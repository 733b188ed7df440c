/**
 * The progress model against every recorded real ComfyUI session (fixtures/comfyui): frames go through
 * parseMessage, then reduceProgress, per prompt id, as a server would run them.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  listRecordings,
  loadObjectInfo,
  loadRecording,
  loadWorkflow,
  wireFrames,
} from '../../test/helpers.js'
import { createTaskEvent } from '../events/createTaskEvent.js'
import { parseTaskEvent } from '../events/parseTaskEvent.js'
import type { ComfyMessage } from '../protocol/ComfyMessage.js'
import { parseMessage } from '../protocol/parseMessage.js'
import { initialProgressState, type ProgressPhase, type ProgressState } from './ProgressState.js'
import { reduceProgress } from './reduceProgress.js'

const objectInfo = loadObjectInfo()

interface Received {
  readonly t: number
  readonly message: ComfyMessage
}

/** Every frame of a recording (text and recorded binary), parsed; a frame that fails to parse fails the test. */
function received(name: string, client?: string): Received[] {
  return wireFrames(loadRecording(name), client === undefined ? {} : { client }).map(({ t, frame }) => {
    const parsed = parseMessage(frame)
    if (!parsed.ok) throw new Error(`${name} @${t}: ${parsed.error.code}`)
    return { t, message: parsed.message }
  })
}

function promptIdOf(message: ComfyMessage): string | undefined {
  const data = 'data' in message ? (message.data as { prompt_id?: unknown } | null) : null
  return typeof data?.prompt_id === 'string' ? data.prompt_id : undefined
}

/** The prompts of a recording with their workflows (meta.workflows is in submission order). */
function prompts(name: string): Array<{ promptId: string; workflow: string }> {
  const { meta } = loadRecording(name)
  const ids = (meta.prompt_ids ?? []) as string[]
  const workflows = (meta.workflows ?? []) as string[]
  return ids.map((promptId, i) => ({ promptId, workflow: workflows[i]! }))
}

/**
 * Replays a recording for one prompt. `filter` (the default) keeps what a caller keeps: the prompt's
 * own frames and frames that name no prompt. Without it the reducer sees every frame of the session.
 */
function replayPrompt(name: string, promptId: string, workflow: string, filter = true): ProgressState[] {
  let state = initialProgressState({ workflow: loadWorkflow(workflow), objectInfo, promptId })
  const states = [state]
  for (const { t, message } of received(name)) {
    const id = promptIdOf(message)
    if (filter && id !== undefined && id !== promptId) continue
    const next = reduceProgress(state, message, t)
    if (next !== state) states.push((state = next))
  }
  return states
}

function firstPrompt(name: string): { promptId: string; workflow: string } {
  const [first] = prompts(name)
  if (first === undefined) throw new Error(`${name} has no prompt`)
  return first
}

const OUTCOMES: Record<string, Array<ProgressPhase>> = {
  '01-txt2img-basic.jsonl': ['success'],
  '02-txt2img-cached.jsonl': ['success'],
  '03-txt2img-new-seed.jsonl': ['success'],
  '05-runtime-error.jsonl': ['error', 'error'],
  '06-interrupt.jsonl': ['interrupted'],
  '07-queue-three.jsonl': ['success', 'success', 'success'],
  // The second prompt was deleted from the queue before it ran: no frame, still queued.
  '08-cancel-pending.jsonl': ['success', 'queued'],
  '09-inpaint.jsonl': ['success'],
  '10-two-clients.jsonl': ['success'],
  '13-preview-metadata.jsonl': ['success'],
  // Submitted without client_id: only broadcast progress/progress_state reach the observer, no terminal frame.
  '14-no-client-id.jsonl': ['running'],
}

describe('reduceProgress on every recorded session', () => {
  it('has an expectation for every recording with prompts', () => {
    const withPrompts = listRecordings().filter((name) => prompts(name).length > 0)
    expect(withPrompts.sort()).toEqual(Object.keys(OUTCOMES).sort())
  })

  describe.each(Object.entries(OUTCOMES))('%s', (name, outcomes) => {
    it.each(prompts(name).map((p, i) => [p.promptId, p.workflow, outcomes[i]!] as const))(
      'prompt %s (%s) ends %s; the percentage never goes back and is 100 only on success',
      (promptId, workflow, outcome) => {
        const states = replayPrompt(name, promptId, workflow)
        const last = states.at(-1)!
        expect(last.phase).toBe(outcome)
        const terminal = (loadRecording(name).meta.outcome as Record<string, { terminal?: string }>)[promptId]
          ?.terminal
        if (terminal !== undefined) {
          const byTerminal = {
            execution_success: 'success',
            execution_error: 'error',
            execution_interrupted: 'interrupted',
          }
          expect(last.phase).toBe(byTerminal[terminal as keyof typeof byTerminal])
        }
        for (let i = 1; i < states.length; i++) {
          const state = states[i]!
          expect(state.percentage).toBeGreaterThanOrEqual(states[i - 1]!.percentage)
          expect(Number.isInteger(state.percentage)).toBe(true)
          expect(state.percentage === 100).toBe(state.phase === 'success')
          expect(state.currentStep).not.toBe('')
          expect(state.eta === null || state.eta >= 0).toBe(true)
          // Every state makes a valid task event.
          const event = createTaskEvent('task-1', state, {
            now: 1_795_392_401_070 + state.updatedAt!,
            result: { imageUrl: '/image/x.png' },
          })
          expect(parseTaskEvent(JSON.stringify(event)).ok).toBe(true)
        }
      },
    )
  })

  it('01: success with the saved image, after "Sampling image..." 1..20 of 20, and 20 of 20 on completion', () => {
    const { promptId, workflow } = firstPrompt('01-txt2img-basic.jsonl')
    const states = replayPrompt('01-txt2img-basic.jsonl', promptId, workflow)
    const sampling = states.filter((s) => s.currentStep === 'Sampling image...' && s.maxValue === 20)
    // Steps 1..20, then 20 of 20 again when the node finishes (the percentage moves on).
    expect(sampling.map((s) => s.currentValue)).toEqual([...Array.from({ length: 20 }, (_, i) => i + 1), 20])
    expect(states.map((s) => s.currentStep)).toEqual(
      expect.arrayContaining([
        'Starting...',
        'Loading model...',
        'Encoding prompt...',
        'Decoding image...',
        'Saving image...',
      ]),
    )
    const last = states.at(-1)!
    expect(last).toMatchObject({ percentage: 100, currentStep: 'Complete', currentValue: 20, maxValue: 20 })
    expect(last.outcome).toMatchObject({
      status: 'success',
      images: [{ filename: 'txt2img-basic_00001_.png', subfolder: '', type: 'output' }],
    })
    // Weighted: the sampler is most of the work, so halfway through sampling is about halfway.
    const halfway = sampling[9]!.percentage
    expect(halfway).toBeGreaterThan(40)
    expect(halfway).toBeLessThan(60)
  })

  it('01: no ETA before the first sampler step, then a positive ETA that falls during sampling', () => {
    const { promptId, workflow } = firstPrompt('01-txt2img-basic.jsonl')
    const states = replayPrompt('01-txt2img-basic.jsonl', promptId, workflow)
    const firstStep = states.findIndex((s) => s.maxValue === 20)
    expect(states.slice(0, firstStep).every((s) => s.eta === null)).toBe(true)
    const eta = (step: number) => states.find((s) => s.maxValue === 20 && s.currentValue === step)!.eta!
    for (let step = 1; step <= 20; step++) expect(eta(step)).toBeGreaterThan(0)
    // The 4.5 s warm-up of step 1 does not dominate: the ETA keeps falling and ends near the truth (< 1 s).
    expect(eta(10)).toBeLessThan(eta(2))
    expect(eta(15)).toBeLessThan(eta(5))
    expect(eta(18)).toBeLessThan(1)
    expect(states.at(-1)!.elapsed).toBeCloseTo(7, 0)
  })

  it('03: the ETA at step 15 is below the ETA at step 5', () => {
    const { promptId, workflow } = firstPrompt('03-txt2img-new-seed.jsonl')
    const states = replayPrompt('03-txt2img-new-seed.jsonl', promptId, workflow)
    const eta = (step: number) => states.find((s) => s.maxValue === 20 && s.currentValue === step)!.eta!
    expect(eta(5)).toBeGreaterThan(0)
    expect(eta(15)).toBeLessThan(eta(5))
  })

  it('02: a fully cached prompt goes to 100 at once', () => {
    const { promptId, workflow } = firstPrompt('02-txt2img-cached.jsonl')
    const percentages = replayPrompt('02-txt2img-cached.jsonl', promptId, workflow).map((s) => s.percentage)
    expect(percentages.filter((p) => p > 0 && p < 99)).toEqual([])
    expect(percentages.at(-1)).toBe(100)
  })

  it('05: runtime errors name node 8 (VAEDecode) and node 20 (LoadImage), without tracebacks', () => {
    const [a, b] = prompts('05-runtime-error.jsonl')
    const first = replayPrompt('05-runtime-error.jsonl', a!.promptId, a!.workflow).at(-1)!
    const second = replayPrompt('05-runtime-error.jsonl', b!.promptId, b!.workflow).at(-1)!
    expect(first.outcome).toMatchObject({
      status: 'error',
      error: { nodeId: '8', nodeType: 'VAEDecode', exceptionType: 'RuntimeError' },
    })
    expect(second.outcome).toMatchObject({
      status: 'error',
      error: { nodeId: '20', nodeType: 'LoadImage', exceptionType: 'PIL.UnidentifiedImageError' },
    })
    for (const state of [first, second]) {
      expect(state.percentage).toBeLessThan(100)
      expect(JSON.stringify(state.outcome)).not.toMatch(/Traceback|execution\.py/)
    }
  })

  it('06: interrupted at the sampler, step 10 of 60', () => {
    const { promptId, workflow } = firstPrompt('06-interrupt.jsonl')
    const last = replayPrompt('06-interrupt.jsonl', promptId, workflow).at(-1)!
    expect(last).toMatchObject({
      phase: 'interrupted',
      currentStep: 'Cancelled',
      currentValue: 10,
      maxValue: 60,
      eta: null,
    })
    expect(last.outcome).toEqual({ status: 'interrupted', nodeId: '3', nodeType: 'KSampler' })
  })

  it('07: three queued prompts stay apart, even when every frame of the session reaches every reducer', () => {
    const all = prompts('07-queue-three.jsonl')
    const starts = received('07-queue-three.jsonl')
      .filter(({ message }) => message.type === 'execution_start')
      .map(({ t }) => t)
    all.forEach(({ promptId, workflow }, i) => {
      for (const filter of [true, false]) {
        const states = replayPrompt('07-queue-three.jsonl', promptId, workflow, filter)
        const last = states.at(-1)!
        expect(last.phase).toBe('success')
        expect(last.startedAt).toBe(starts[i])
        expect(last.outcome).toMatchObject({ images: [{ filename: `queue-three_0000${i + 1}_.png` }] })
        // Sampling was seen once (steps 1..20, then the finish), not three times.
        const sampling = states.filter((s) => s.currentStep === 'Sampling image...' && s.maxValue === 20)
        expect(sampling).toHaveLength(21)
      }
    })
  })

  it('04: rejected prompts produce no frame with a prompt id', () => {
    const frames = received('04-validation-error.jsonl')
    expect(frames.filter(({ message }) => promptIdOf(message) !== undefined)).toEqual([])
    let state = initialProgressState({
      workflow: loadWorkflow('validation-bad-ckpt-name.json'),
      promptId: 'never-queued',
    })
    for (const { t, message } of frames) state = reduceProgress(state, message, t)
    expect(state.phase).toBe('queued')
  })

  it('14: a prompt without client_id is followed by prompt_id alone from the broadcast frames', () => {
    const { promptId, workflow } = firstPrompt('14-no-client-id.jsonl')
    const states = replayPrompt('14-no-client-id.jsonl', promptId, workflow)
    const last = states.at(-1)!
    // The cached loader and encoders never appear; the sampler's start shows they were done.
    expect(states[1]!.percentage).toBeGreaterThan(5)
    expect(last).toMatchObject({ phase: 'running', percentage: 99, outcome: null })
    expect(states.filter((s) => s.maxValue === 20)).toHaveLength(21) // 1..20 running, then 20/20 finished
  })

  describe('as an old server would send it', () => {
    /** Without progress_state (before 0.3.45) and optionally without execution_success (before 2024-07-21). */
    function oldServer(
      name: string,
      promptId: string,
      workflow: string,
      withSuccess: boolean,
    ): ProgressState[] {
      let state = initialProgressState({ workflow: loadWorkflow(workflow), objectInfo, promptId })
      const states = [state]
      for (const { t, message } of received(name)) {
        if (message.type === 'progress_state') continue
        if (!withSuccess && message.type === 'execution_success') continue
        const next = reduceProgress(state, message, t)
        if (next !== state) states.push((state = next))
      }
      return states
    }

    it.each([
      ['01-txt2img-basic.jsonl', true],
      ['01-txt2img-basic.jsonl', false],
      ['03-txt2img-new-seed.jsonl', false],
      ['09-inpaint.jsonl', false],
      ['06-interrupt.jsonl', false],
    ] as const)(
      '%s (execution_success sent: %s) ends the same, with the same step names',
      (name, withSuccess) => {
        const { promptId, workflow } = firstPrompt(name)
        const modern = replayPrompt(name, promptId, workflow)
        const old = oldServer(name, promptId, workflow, withSuccess)
        expect(old.at(-1)!.phase).toBe(modern.at(-1)!.phase)
        expect(new Set(old.map((s) => s.currentStep))).toEqual(new Set(modern.map((s) => s.currentStep)))
        for (let i = 1; i < old.length; i++) {
          expect(old[i]!.percentage).toBeGreaterThanOrEqual(old[i - 1]!.percentage)
          expect(old[i]!.percentage === 100).toBe(old[i]!.phase === 'success')
        }
      },
    )
  })
})

describe('reduceProgress on shuffled, duplicated and dropped recorded frames (fast-check)', () => {
  const sessions = [
    '01-txt2img-basic.jsonl',
    '03-txt2img-new-seed.jsonl',
    '05-runtime-error.jsonl',
    '06-interrupt.jsonl',
    '07-queue-three.jsonl',
    '09-inpaint.jsonl',
  ]
  const pool = sessions.flatMap((name) => received(name).map(({ message }) => message))
  const promptIds = [null, ...sessions.flatMap((name) => prompts(name).map((p) => p.promptId))]
  const workflows = [
    'txt2img-basic.json',
    'inpaint.json',
    'runtime-error-latent-channels.json',
    'interrupt-60-steps.json',
  ]

  it('never throws, never lowers the percentage, and is 100 exactly on success', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...workflows),
        fc.constantFrom(...promptIds),
        fc.array(fc.tuple(fc.nat(pool.length - 1), fc.integer({ min: -1000, max: 100_000 })), {
          maxLength: 300,
        }),
        (workflow, promptId, picks) => {
          let state = initialProgressState({ workflow: loadWorkflow(workflow), promptId })
          for (const [index, now] of picks) {
            const next = reduceProgress(state, pool[index]!, now)
            expect(next.percentage).toBeGreaterThanOrEqual(state.percentage)
            expect(next.percentage === 100).toBe(next.phase === 'success')
            expect(Number.isInteger(next.percentage) && next.percentage <= 100).toBe(true)
            expect(next.eta === null || (Number.isFinite(next.eta) && next.eta >= 0)).toBe(true)
            expect(Number.isFinite(next.work)).toBe(true)
            state = next
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never throws on arbitrary data under known message types', () => {
    const types = [
      'execution_start',
      'execution_cached',
      'executing',
      'progress',
      'progress_state',
      'executed',
      'execution_success',
      'execution_error',
      'execution_interrupted',
      'status',
    ]
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom(...types), data: fc.anything() }), { maxLength: 30 }),
        (messages) => {
          let state = initialProgressState({ workflow: loadWorkflow('txt2img-basic.json') })
          for (const message of messages) {
            const next = reduceProgress(state, message as ComfyMessage, 1)
            expect(next.percentage).toBeGreaterThanOrEqual(state.percentage)
            state = next
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
