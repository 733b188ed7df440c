import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isComfyProgressError } from '../errors/ComfyProgressError.js'
import { parseTaskEvent, type ParseTaskEventResult } from './parseTaskEvent.js'

/** The three examples of the design document (seed 000), verbatim. */
const IN_PROGRESS = {
  taskId: 'unique-task-id',
  status: 'in-progress',
  progress: { percentage: 45, currentStep: 'Sampling image...', currentValue: 9, maxValue: 20 },
  timestamp: '2025-11-25T12:34:56.789Z',
}
const COMPLETED = {
  taskId: 'unique-task-id',
  status: 'completed',
  progress: { percentage: 100, currentStep: 'Complete', currentValue: 20, maxValue: 20 },
  result: {
    imageUrl: '/image/image_123.png',
    description: 'Generated image description',
    prompt: 'original prompt',
    seed: 12345,
    name: 'Character name',
    workflow: 'workflow-name',
    inpaint: false,
    inpaintArea: null,
    uid: 1732543210123,
  },
  timestamp: '2025-11-25T12:35:30.123Z',
}
const ERROR = {
  taskId: 'unique-task-id',
  status: 'error',
  progress: { percentage: 0, currentStep: 'Failed', currentValue: 0, maxValue: 0 },
  error: { message: 'Generation failed', details: 'Error details from ComfyUI' },
  timestamp: '2025-11-25T12:35:30.123Z',
}

function expectInvalid(result: ParseTaskEventResult, field: string | null): void {
  if (result.ok) throw new Error(`expected TASK_EVENT_INVALID for ${field}, got ok`)
  expect(isComfyProgressError(result.error, 'TASK_EVENT_INVALID')).toBe(true)
  expect((result.error.details as { field: unknown }).field).toBe(field)
}

/** A copy of `event` with `path` (dot separated) set to `value`, or removed when `value` is `undefined`. */
function withField(event: object, path: string, value: unknown): unknown {
  const copy = structuredClone(event) as Record<string, unknown>
  const keys = path.split('.')
  let target = copy
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>
  if (value === undefined) delete target[keys.at(-1)!]
  else target[keys.at(-1)!] = value
  return copy
}

describe('parseTaskEvent', () => {
  it("accepts the design document's three examples, as objects and as JSON strings", () => {
    for (const event of [IN_PROGRESS, COMPLETED, ERROR]) {
      const fromObject = parseTaskEvent(event)
      expect(fromObject).toEqual({ ok: true, event })
      expect(fromObject.ok && fromObject.event).toBe(event) // not a copy
      expect(parseTaskEvent(JSON.stringify(event))).toEqual({ ok: true, event })
    }
  })

  it('accepts the additive statuses and fields, and tolerates unknown fields', () => {
    const queued = {
      ...IN_PROGRESS,
      status: 'queued',
      queuePosition: 2,
      eta: null,
      node: null,
      preview: null,
    }
    const cancelled = { ...IN_PROGRESS, status: 'cancelled' }
    const newer = {
      ...IN_PROGRESS,
      eta: 3.5,
      node: { id: '54:73', classType: null },
      preview: { url: '/tasks/x/preview' },
      someFutureField: { anything: [1, 2, 3] },
      progress: { ...IN_PROGRESS.progress, activity: 'denoising' },
      error: 'ignored when the status is not error',
    }
    for (const event of [queued, cancelled, newer]) expect(parseTaskEvent(event)).toEqual({ ok: true, event })
    expect(parseTaskEvent({ ...COMPLETED, result: { imageUrl: '/i.png', extra: true } }).ok).toBe(true)
    expect(parseTaskEvent({ ...ERROR, error: { ...ERROR.error, code: 'COMFY_EXECUTION_FAILED' } }).ok).toBe(
      true,
    )
    expect(parseTaskEvent({ ...IN_PROGRESS, timestamp: '2025-11-25T13:34:56+01:00' }).ok).toBe(true)
  })

  it('rejects bad input with TASK_EVENT_INVALID and the field at fault', () => {
    const cases: Array<[object, string, unknown]> = [
      [IN_PROGRESS, 'taskId', undefined],
      [IN_PROGRESS, 'taskId', ''],
      [IN_PROGRESS, 'taskId', 42],
      [IN_PROGRESS, 'status', 'done'],
      [IN_PROGRESS, 'status', undefined],
      [IN_PROGRESS, 'progress', null],
      [IN_PROGRESS, 'progress', [45]],
      [IN_PROGRESS, 'progress.percentage', 101],
      [IN_PROGRESS, 'progress.percentage', -1],
      [IN_PROGRESS, 'progress.percentage', '45'],
      [IN_PROGRESS, 'progress.percentage', Number.NaN],
      [IN_PROGRESS, 'progress.currentStep', null],
      [IN_PROGRESS, 'progress.currentValue', -2],
      [IN_PROGRESS, 'progress.maxValue', Infinity],
      [IN_PROGRESS, 'timestamp', 'yesterday'],
      [IN_PROGRESS, 'timestamp', '2025-11-25'],
      [IN_PROGRESS, 'timestamp', '2025-13-45T12:34:56.789Z'],
      [IN_PROGRESS, 'timestamp', 1764074096789],
      [IN_PROGRESS, 'eta', -1],
      [IN_PROGRESS, 'eta', '3 s'],
      [IN_PROGRESS, 'queuePosition', 1.5],
      [IN_PROGRESS, 'node', 'KSampler'],
      [IN_PROGRESS, 'node.id', undefined],
      [IN_PROGRESS, 'node.classType', 7],
      [IN_PROGRESS, 'preview', true],
      [IN_PROGRESS, 'preview.url', undefined],
      [COMPLETED, 'result', undefined],
      [COMPLETED, 'result.imageUrl', undefined],
      [COMPLETED, 'result.seed', '12345'],
      [COMPLETED, 'result.inpaint', 'no'],
      [ERROR, 'error', undefined],
      [ERROR, 'error.message', undefined],
      [ERROR, 'error.details', { trace: [] }],
      [ERROR, 'error.code', 500],
    ]
    for (const [event, field, value] of cases) {
      const base =
        field === 'node.id' || field === 'node.classType'
          ? { ...event, node: { id: '3', classType: 'KSampler' } }
          : event
      const withPreview = field === 'preview.url' ? { ...base, preview: { url: '/p' } } : base
      expectInvalid(parseTaskEvent(withField(withPreview, field, value)), field)
    }
  })

  it('rejects values that are not events at all, with field null', () => {
    for (const value of ['', '{oops', 'null', '[]', '42', null, undefined, 42, [], () => 1]) {
      expectInvalid(parseTaskEvent(value), null)
    }
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no')
        },
      },
    )
    expectInvalid(parseTaskEvent(hostile), null)
  })

  it('never throws, and every rejection carries the code (fast-check)', () => {
    const check = (value: unknown) => {
      const result = parseTaskEvent(value)
      if (!result.ok) expect(result.error.code).toBe('TASK_EVENT_INVALID')
    }
    fc.assert(fc.property(fc.anything(), check), { numRuns: 1000 })
    fc.assert(fc.property(fc.json(), check), { numRuns: 1000 })
    fc.assert(fc.property(fc.string(), check), { numRuns: 300 })
    // Near misses: one known field of a valid event replaced by anything.
    const fields = [
      'taskId',
      'status',
      'progress',
      'progress.percentage',
      'progress.currentStep',
      'timestamp',
      'eta',
      'node',
      'result',
      'result.imageUrl',
    ]
    fc.assert(
      fc.property(
        fc.constantFrom(IN_PROGRESS, COMPLETED, ERROR),
        fc.constantFrom(...fields),
        fc.jsonValue(),
        (event, field, value) => {
          const target = field.startsWith('result') && event !== COMPLETED ? COMPLETED : event
          check(withField(target, field, value))
          check(JSON.stringify(withField(target, field, value)))
        },
      ),
      { numRuns: 1000 },
    )
  })
})
