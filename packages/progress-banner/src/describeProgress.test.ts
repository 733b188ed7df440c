import type { InProgressTaskEvent, QueuedTaskEvent } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { describeProgress } from './describeProgress.js'

const base = { taskId: 'task', timestamp: '2025-11-25T12:34:56.789Z' }

function running(currentStep: string, currentValue: number, maxValue: number): InProgressTaskEvent {
  return { ...base, status: 'in-progress', progress: { percentage: 45, currentStep, currentValue, maxValue } }
}

function queued(queuePosition: number | null | undefined): QueuedTaskEvent {
  const progress = { percentage: 0, currentStep: 'Waiting in queue...', currentValue: 0, maxValue: 0 }
  return { ...base, status: 'queued', progress, queuePosition }
}

describe('describeProgress', () => {
  it("adds the node's counter when it counts steps (the design document's 'Sampling image... 12/20')", () => {
    expect(describeProgress(running('Sampling image...', 12, 20))).toBe('Sampling image... 12/20')
  })

  it('shows the step alone when the node has no steps to count', () => {
    expect(describeProgress(running('Loading model...', 0, 0))).toBe('Loading model...')
    expect(describeProgress(running('Decoding image...', 1, 1))).toBe('Decoding image...')
  })

  it('shows how many prompts are ahead while queued, and nothing when unknown or next', () => {
    expect(describeProgress(queued(2))).toBe('Waiting in queue... (2 ahead)')
    expect(describeProgress(queued(0))).toBe('Waiting in queue...')
    expect(describeProgress(queued(null))).toBe('Waiting in queue...')
    expect(describeProgress(queued(undefined))).toBe('Waiting in queue...')
  })
})
