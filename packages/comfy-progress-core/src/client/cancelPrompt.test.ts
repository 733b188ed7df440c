import { describe, expect, it } from 'vitest'
import { cancelPrompt } from './cancelPrompt.js'
import type { ComfyHistoryEntry, ComfyQueue, ComfyQueueItem } from './httpTypes.js'

const item = (promptId: string): ComfyQueueItem => ({
  number: 1,
  promptId,
  prompt: {},
  extraData: {},
  outputsToExecute: [],
})

/**
 * ComfyUI's queue as a script: each `getQueue` answers the next snapshot (the prompt moving between
 * reads is the race being tested, which a real server cannot be made to hit on demand).
 */
function scriptedApi(snapshots: ComfyQueue[], history: ComfyHistoryEntry | null) {
  const calls: string[] = []
  return {
    calls,
    api: {
      getQueue: () => {
        calls.push('getQueue')
        return Promise.resolve(snapshots.shift()!)
      },
      deletePending: () => {
        calls.push('deletePending')
        return Promise.resolve()
      },
      interrupt: () => {
        calls.push('interrupt')
        return Promise.resolve()
      },
      getHistory: () => {
        calls.push('getHistory')
        return Promise.resolve(history)
      },
    },
  }
}

const queue = (running: string[], pending: string[]): ComfyQueue => ({
  running: running.map(item),
  pending: pending.map(item),
})
const finished: ComfyHistoryEntry = {
  prompt: [],
  outputs: {},
  status: { status_str: 'success', completed: true, messages: [] },
}

describe('cancelPrompt', () => {
  it('removes a pending prompt that stays out of the queue and has no history', async () => {
    const { api, calls } = scriptedApi([queue(['x'], ['p']), queue(['x'], [])], null)
    await expect(cancelPrompt(api, 'p')).resolves.toBe('removed')
    expect(calls).toEqual(['getQueue', 'deletePending', 'getQueue', 'getHistory'])
  })

  it('answers not-found for a prompt that started and finished between the reads (it ran; not cancelled)', async () => {
    const { api } = scriptedApi([queue([], ['p']), queue([], [])], finished)
    await expect(cancelPrompt(api, 'p')).resolves.toBe('not-found')
  })

  it('interrupts a prompt that started running between the reads, and one already running', async () => {
    const raced = scriptedApi([queue([], ['p']), queue(['p'], [])], null)
    await expect(cancelPrompt(raced.api, 'p')).resolves.toBe('interrupted')
    expect(raced.calls.at(-1)).toBe('interrupt')
    const running = scriptedApi([queue(['p'], [])], null)
    await expect(cancelPrompt(running.api, 'p')).resolves.toBe('interrupted')
  })

  it('answers not-found for a prompt ComfyUI has in neither place', async () => {
    const { api, calls } = scriptedApi([queue(['x'], ['y'])], null)
    await expect(cancelPrompt(api, 'p')).resolves.toBe('not-found')
    expect(calls).toEqual(['getQueue'])
  })
})
