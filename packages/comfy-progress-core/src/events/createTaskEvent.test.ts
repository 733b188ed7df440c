import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadObjectInfo, loadRecording, loadWorkflow } from '../../test/helpers.js'
import { isComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyMessage } from '../protocol/ComfyMessage.js'
import { initialProgressState, type ProgressState } from '../progress/ProgressState.js'
import { reduceProgress } from '../progress/reduceProgress.js'
import { createTaskEvent, TASK_ERROR_MESSAGE } from './createTaskEvent.js'
import { parseTaskEvent } from './parseTaskEvent.js'
import type { TaskResult } from './TaskEvent.js'

const NOW = Date.parse('2025-11-25T12:34:56.789Z')
const RESULT: TaskResult = {
  imageUrl: '/image/image_123.png',
  description: 'Generated image description',
  prompt: 'original prompt',
  seed: 12345,
  name: 'Character name',
  workflow: 'workflow-name',
  inpaint: false,
  inpaintArea: null,
  uid: 1732543210123,
}

/** The states of one recorded prompt: text frames fed to the reducer as the recording has them. */
function statesOf(recording: string, index = 0): ProgressState[] {
  const { meta, entries } = loadRecording(recording)
  const promptId = (meta.prompt_ids as string[])[index]!
  const workflow = loadWorkflow((meta.workflows as string[])[index]!)
  let state = initialProgressState({ workflow, objectInfo: loadObjectInfo(), promptId })
  const states = [state]
  for (const entry of entries) {
    if (entry.ch !== 'ws' || entry.kind !== 'text') continue
    const next = reduceProgress(state, entry.data as ComfyMessage, entry.t)
    if (next !== state) states.push((state = next))
  }
  return states
}

/** The event without the additive fields: what the design document's seed shows. */
function seedShape(event: object): object {
  const {
    eta: _eta,
    queuePosition: _queuePosition,
    node: _node,
    preview: _preview,
    ...seed
  } = event as Record<string, unknown>
  return seed
}

describe('createTaskEvent', () => {
  const basic = statesOf('01-txt2img-basic.jsonl')

  it('builds the in-progress shape of seed 000 while sampling', () => {
    const sampling = basic.find((s) => s.currentValue === 9 && s.maxValue === 20)!
    const event = createTaskEvent('unique-task-id', sampling, { now: NOW })
    expect(seedShape(event)).toEqual({
      taskId: 'unique-task-id',
      status: 'in-progress',
      progress: {
        percentage: sampling.percentage,
        currentStep: 'Sampling image...',
        currentValue: 9,
        maxValue: 20,
      },
      timestamp: '2025-11-25T12:34:56.789Z',
    })
    expect(Object.keys(event)).toEqual([
      'taskId',
      'status',
      'progress',
      'timestamp',
      'eta',
      'queuePosition',
      'node',
    ])
    expect(event.eta).toBe(sampling.eta)
    expect(event.node).toEqual({ id: '3', classType: 'KSampler' })
    expect(event.queuePosition).toBeNull()
  })

  it('builds the completed shape of seed 000: 100, "Complete", value = max, the app’s result', () => {
    const event = createTaskEvent('unique-task-id', basic.at(-1)!, { now: NOW, result: RESULT })
    expect(seedShape(event)).toEqual({
      taskId: 'unique-task-id',
      status: 'completed',
      progress: { percentage: 100, currentStep: 'Complete', currentValue: 20, maxValue: 20 },
      result: RESULT,
      timestamp: '2025-11-25T12:34:56.789Z',
    })
    expect(Object.keys(event).slice(0, 5)).toEqual(['taskId', 'status', 'progress', 'result', 'timestamp'])
    expect(event.eta).toBe(0)
  })

  it('builds the error shape of seed 000 from ComfyUI’s message and node, without server paths', () => {
    const failed = statesOf('05-runtime-error.jsonl', 1).at(-1)!
    const event = createTaskEvent('unique-task-id', failed, { now: NOW })
    expect(seedShape(event)).toEqual({
      taskId: 'unique-task-id',
      status: 'error',
      progress: { percentage: 0, currentStep: 'Failed', currentValue: 0, maxValue: 0 },
      error: {
        message: TASK_ERROR_MESSAGE,
        details:
          "PIL.UnidentifiedImageError in LoadImage (node 20): cannot identify image file 'not-an-image.png'",
        code: 'COMFY_EXECUTION_FAILED',
      },
      timestamp: '2025-11-25T12:34:56.789Z',
    })
    expect(JSON.stringify(event)).not.toMatch(/\/root|comfy-work|Traceback|execution\.py/)
    expect(event.node).toEqual({ id: '20', classType: 'LoadImage' })
    const first = createTaskEvent('t', statesOf('05-runtime-error.jsonl', 0).at(-1)!, { now: NOW })
    expect(first.status === 'error' && first.error.details).toMatch(
      /^RuntimeError in VAEDecode \(node 8\): Given groups=1/,
    )
  })

  it('keeps server paths only when exposeInternals opts in', () => {
    const failed = statesOf('05-runtime-error.jsonl', 1).at(-1)!
    const event = createTaskEvent('t', failed, { now: NOW, exposeInternals: true })
    expect(event.status === 'error' && event.error.details).toContain(
      '/root/comfy-work/ComfyUI/input/not-an-image.png',
    )
    expect(JSON.stringify(event)).not.toMatch(/Traceback|execution\.py/)
  })

  it('builds queued and cancelled events', () => {
    const queued = createTaskEvent('t', basic[0]!, { now: NOW, queuePosition: 2 })
    expect(queued).toMatchObject({
      status: 'queued',
      progress: { percentage: 0, currentStep: 'Waiting in queue...', currentValue: 0, maxValue: 0 },
      queuePosition: 2,
      eta: null,
    })
    const interrupted = statesOf('06-interrupt.jsonl').at(-1)!
    const cancelled = createTaskEvent('t', interrupted, { now: NOW })
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      progress: {
        percentage: interrupted.percentage,
        currentStep: 'Cancelled',
        currentValue: 10,
        maxValue: 60,
      },
      node: { id: '3', classType: 'KSampler' },
    })
  })

  it('forces error and cancelled events for failures outside ComfyUI’s frames', () => {
    const forced = createTaskEvent('t', basic[0]!, {
      now: NOW,
      error: { message: 'ComfyUI rejected the workflow', code: 'COMFY_VALIDATION_FAILED' },
    })
    expect(forced).toMatchObject({
      status: 'error',
      error: { message: 'ComfyUI rejected the workflow', details: '', code: 'COMFY_VALIDATION_FAILED' },
    })
    expect(createTaskEvent('t', basic[0]!, { now: NOW, cancelled: true }).status).toBe('cancelled')
    expect(
      createTaskEvent('t', basic[3]!, { now: NOW, preview: { url: '/tasks/t/preview' } }).preview,
    ).toEqual({
      url: '/tasks/t/preview',
    })
  })

  it('throws TASK_EVENT_INVALID for programming errors: no result, empty task id, a bad clock', () => {
    const cases: Array<[string, ProgressState, Parameters<typeof createTaskEvent>[2]]> = [
      ['t', basic.at(-1)!, { now: NOW }],
      ['t', basic.at(-1)!, { now: NOW, result: {} as TaskResult }],
      ['', basic[3]!, { now: NOW }],
      ['t', basic[3]!, { now: Number.NaN }],
      ['t', basic[3]!, { now: -1 }],
      ['t', basic[3]!, { now: 1e16 }],
    ]
    for (const [taskId, state, options] of cases) {
      let thrown: unknown
      try {
        createTaskEvent(taskId, state, options)
      } catch (error) {
        thrown = error
      }
      expect(isComfyProgressError(thrown, 'TASK_EVENT_INVALID')).toBe(true)
    }
  })

  it('uses the current time when no clock is injected', () => {
    const before = Date.now()
    const timestamp = Date.parse(createTaskEvent('t', basic[3]!).timestamp)
    expect(timestamp).toBeGreaterThanOrEqual(before)
    expect(timestamp).toBeLessThanOrEqual(Date.now())
  })

  it('always makes events that parseTaskEvent accepts (round trip, fast-check)', () => {
    const states = [
      ...basic,
      ...statesOf('05-runtime-error.jsonl', 0),
      ...statesOf('05-runtime-error.jsonl', 1),
      ...statesOf('06-interrupt.jsonl'),
      ...statesOf('02-txt2img-cached.jsonl'),
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.record(
          {
            now: fc.integer({ min: 0, max: 253_402_300_799_999 }),
            queuePosition: fc.option(fc.integer({ min: -5, max: 50 })),
            preview: fc.option(fc.record({ url: fc.string() })),
            exposeInternals: fc.boolean(),
            cancelled: fc.boolean(),
            error: fc.option(
              fc.record({ message: fc.string(), details: fc.string() }, { requiredKeys: [] }),
              {
                nil: undefined,
              },
            ),
          },
          { requiredKeys: ['now'] },
        ),
        fc.string({ minLength: 1 }),
        (state, options, taskId) => {
          const event = createTaskEvent(taskId, state, { ...options, result: RESULT })
          const parsed = parseTaskEvent(JSON.stringify(event))
          expect(parsed.ok).toBe(true)
          expect(parsed.ok && parsed.event).toEqual(event)
          expect(parseTaskEvent(event).ok).toBe(true)
        },
      ),
      { numRuns: 500 },
    )
  })
})
