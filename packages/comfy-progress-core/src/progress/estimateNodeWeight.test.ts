import { describe, expect, it } from 'vitest'
import {
  DEFAULT_NODE_WEIGHT,
  DEFAULT_SAMPLER_STEPS,
  estimateNodeWeight,
  NODE_WEIGHTS,
} from './estimateNodeWeight.js'

describe('estimateNodeWeight', () => {
  it('weighs a sampler by its steps, so that sampling dominates a txt2img prompt', () => {
    expect(estimateNodeWeight({ class_type: 'KSampler', inputs: { steps: 20 } })).toBe(20)
    expect(estimateNodeWeight({ class_type: 'KSampler', inputs: { steps: 60 } })).toBe(60)
    expect(estimateNodeWeight({ class_type: 'SaveImage', inputs: {} })).toBeLessThan(2)
    expect(estimateNodeWeight({ class_type: 'CheckpointLoaderSimple' })).toBeLessThan(5)
  })

  it('counts only the steps a KSamplerAdvanced runs', () => {
    const node = {
      class_type: 'KSamplerAdvanced',
      inputs: { steps: 30, start_at_step: 10, end_at_step: 10000 },
    }
    expect(estimateNodeWeight(node)).toBe(20)
    expect(
      estimateNodeWeight({ class_type: 'KSamplerAdvanced', inputs: { steps: 30, end_at_step: 12 } }),
    ).toBe(12)
  })

  it('uses the table, then the default, and lets callers override per class', () => {
    expect(estimateNodeWeight({ class_type: 'VAEDecode' })).toBe(NODE_WEIGHTS.VAEDecode)
    expect(estimateNodeWeight({ class_type: 'SomeCustomNode' })).toBe(DEFAULT_NODE_WEIGHT)
    expect(estimateNodeWeight({ class_type: 'SomeCustomNode' }, { SomeCustomNode: 7 })).toBe(7)
    expect(Object.isFrozen(NODE_WEIGHTS)).toBe(true)
  })

  it('falls back to the default step count when steps is a link, missing or nonsense', () => {
    for (const steps of [['12', 0], undefined, 'twenty', Number.NaN, -5, Infinity]) {
      expect(estimateNodeWeight({ class_type: 'KSampler', inputs: { steps } })).toBe(DEFAULT_SAMPLER_STEPS)
    }
    expect(estimateNodeWeight({ class_type: 'SamplerCustomAdvanced', inputs: {} })).toBe(
      DEFAULT_SAMPLER_STEPS,
    )
    // A bad override is ignored rather than poisoning the total with NaN or a negative weight.
    expect(estimateNodeWeight({ class_type: 'VAEDecode' }, { VAEDecode: Number.NaN })).toBe(
      NODE_WEIGHTS.VAEDecode,
    )
    expect(estimateNodeWeight({ class_type: 'VAEDecode' }, { VAEDecode: -1 })).toBe(NODE_WEIGHTS.VAEDecode)
  })
})
