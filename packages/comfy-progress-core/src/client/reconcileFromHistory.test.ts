import { describe, expect, it } from 'vitest'
import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyHistoryEntry, ComfyQueue } from './httpTypes.js'
import { type ReconcileApi, type ReconcileVerdict, reconcileFromHistory } from './reconcileFromHistory.js'

const item = (promptId: string, number: number) => ({
  number,
  promptId,
  prompt: {},
  extraData: {},
  outputsToExecute: [],
})
const success: ComfyHistoryEntry = {
  prompt: [],
  outputs: { '9': { images: [] } },
  status: {
    status_str: 'success',
    completed: true,
    messages: [['execution_success', { prompt_id: 'done', timestamp: 1 }]],
  },
}

/** An API whose answers are scripted per call, recording the calls in order. */
function scriptedApi(queue: ComfyQueue, history: Record<string, (ComfyHistoryEntry | null | Error)[]>) {
  const calls: string[] = []
  const api: ReconcileApi = {
    getQueue: () => {
      calls.push('queue')
      return Promise.resolve(queue)
    },
    getHistory: (promptId) => {
      calls.push(`history:${promptId}`)
      const next = history[promptId]?.shift() ?? null
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next)
    },
  }
  return { api, calls }
}

describe('reconcileFromHistory', () => {
  it('checks the queue first, then history; still-queued prompts continue, finished ones end from history', async () => {
    const { api, calls } = scriptedApi(
      { running: [item('run', 3)], pending: [item('wait', 4)] },
      { done: [success] },
    )
    const verdicts: ReconcileVerdict[] = []
    let queueSeen = false
    await reconcileFromHistory(api, {
      promptIds: ['run', 'wait', 'done'],
      onQueue: () => (queueSeen = true),
      onVerdict: (v) => {
        expect(queueSeen).toBe(true)
        verdicts.push(v)
      },
    })
    expect(calls).toEqual(['queue', 'history:done'])
    expect(verdicts).toEqual([
      { promptId: 'run', result: 'running', position: 0 },
      { promptId: 'wait', result: 'pending', position: 1 },
      {
        promptId: 'done',
        result: 'finished',
        outcome: expect.objectContaining({ status: 'success', source: 'history' }),
      },
    ])
  })

  it('re-checks history once before calling a prompt lost (it may finish between the two requests)', async () => {
    const { api, calls } = scriptedApi(
      { running: [], pending: [] },
      { late: [null, success], gone: [null, null] },
    )
    const verdicts: ReconcileVerdict[] = []
    await reconcileFromHistory(api, { promptIds: ['late', 'gone'], onVerdict: (v) => verdicts.push(v) })
    expect(calls).toEqual(['queue', 'history:late', 'history:late', 'history:gone', 'history:gone'])
    expect(verdicts.map((v) => v.result)).toEqual(['finished', 'lost'])
  })

  it('rejects with the HTTP error, keeping the verdicts already given', async () => {
    const failure = new ComfyProgressError('COMFY_HTTP_ERROR', undefined, { details: { status: 500 } })
    const { api } = scriptedApi({ running: [], pending: [] }, { a: [success], b: [failure] })
    const verdicts: ReconcileVerdict[] = []
    await expect(
      reconcileFromHistory(api, { promptIds: ['a', 'b'], onVerdict: (v) => verdicts.push(v) }),
    ).rejects.toMatchObject({
      code: 'COMFY_HTTP_ERROR',
    })
    expect(verdicts.map((v) => v.promptId)).toEqual(['a'])
  })
})
