import { describe, expect, it } from 'vitest'
import { loadObjectInfo, loadWorkflow } from '../../test/helpers.js'
import type { ComfyWorkflow } from './ComfyWorkflow.js'
import { planProgress } from './planProgress.js'

describe('planProgress', () => {
  const objectInfo = loadObjectInfo()

  it('weighs the txt2img workflow with the sampler dominating', () => {
    const plan = planProgress(loadWorkflow('txt2img-basic.json'), { objectInfo })
    expect([...plan.nodes.keys()].sort()).toEqual(['3', '4', '5', '6', '7', '8', '9'])
    expect(plan.nodes.get('3')).toMatchObject({
      classType: 'KSampler',
      weight: 20,
      step: 'Sampling image...',
    })
    expect(plan.nodes.get('3')!.inputs).toEqual(['4', '6', '7', '5'])
    expect(plan.nodes.get('3')!.weight / plan.totalWeight).toBeGreaterThan(0.7)
    expect(plan.totalWeight).toBeCloseTo(26.1)
  })

  it('gives no weight to nodes that no output node depends on (ComfyUI will not run them)', () => {
    const workflow: ComfyWorkflow = {
      ...loadWorkflow('txt2img-basic.json'),
      // A dangling second sampler and an unused decode: not upstream of SaveImage.
      '30': { class_type: 'KSampler', inputs: { steps: 50, model: ['4', 0], latent_image: ['5', 0] } },
      '31': { class_type: 'VAEDecode', inputs: { samples: ['30', 0], vae: ['4', 2] } },
    }
    for (const options of [{ objectInfo }, {}]) {
      const plan = planProgress(workflow, options)
      expect(plan.nodes.get('30')!.weight).toBe(0)
      expect(plan.nodes.get('31')!.weight).toBe(0)
      expect(plan.totalWeight).toBeCloseTo(26.1)
    }
  })

  it('finds output nodes without object_info: core output classes, and unknown classes nothing consumes', () => {
    const workflow: ComfyWorkflow = {
      '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
      '2': { class_type: 'MyCustomSaver', inputs: { images: ['1', 0] } },
      '3': { class_type: 'CLIPTextEncode', inputs: { text: 'unused' } },
    }
    const plan = planProgress(workflow)
    expect(plan.nodes.get('2')!.weight).toBeGreaterThan(0)
    expect(plan.nodes.get('1')!.weight).toBeGreaterThan(0)
    expect(plan.nodes.get('3')!.weight).toBe(0) // a known non-output class left dangling
  })

  it('uses titles and object_info display names for step names', () => {
    const plan = planProgress(
      {
        '1': { class_type: 'ImageInvert', inputs: { image: ['2', 0] }, _meta: { title: 'Flip colours' } },
        '2': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
        '3': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
        '4': { class_type: 'ImageInvert', inputs: { image: ['2', 0] } },
        '5': { class_type: 'SaveImage', inputs: { images: ['4', 0] } },
      },
      { objectInfo },
    )
    expect(plan.nodes.get('1')!.step).toBe('Flip colours')
    expect(plan.nodes.get('4')!.step).toBe('Invert Image')
    expect(plan.nodes.get('3')!.step).toBe('Preparing preview...')
  })

  it('accepts numeric link ids, ignores links to missing nodes, and survives garbage', () => {
    const plan = planProgress({
      '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
      '2': { class_type: 'SaveImage', inputs: { images: [1, 0], other: ['99', 0], pair: ['x', 'y'] } },
    })
    expect(plan.nodes.get('2')!.inputs).toEqual(['1'])
    for (const bad of [null, undefined, 42, 'workflow', [], { '1': null }, { '1': { inputs: 5 } }]) {
      const garbage = planProgress(bad as unknown as ComfyWorkflow)
      expect(Number.isFinite(garbage.totalWeight)).toBe(true)
    }
  })

  it('counts every node of a workflow without any output node', () => {
    const plan = planProgress({
      '1': { class_type: 'CheckpointLoaderSimple', inputs: {} },
      '2': { class_type: 'CLIPTextEncode', inputs: { clip: ['1', 1] } },
    })
    expect(plan.totalWeight).toBeGreaterThan(0)
    expect(plan.nodes.get('2')!.weight).toBeGreaterThan(0)
  })
})
