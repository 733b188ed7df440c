import { describe, expect, it } from 'vitest'
import { loadObjectInfo } from '../../test/helpers.js'
import { describeNode } from './describeNode.js'
import { NODE_STEP_NAMES } from './nodeStepNames.js'

describe('describeNode', () => {
  const objectInfo = loadObjectInfo()

  it("names the design document's five nodes as it does", () => {
    expect(describeNode('KSampler')).toBe('Sampling image...')
    expect(describeNode('VAEDecode')).toBe('Decoding image...')
    expect(describeNode('SaveImage')).toBe('Saving image...')
    expect(describeNode('CLIPTextEncode')).toBe('Encoding prompt...')
    expect(describeNode('CheckpointLoaderSimple')).toBe('Loading model...')
  })

  it('prefers the step table, then the title, then object_info, then the class type', () => {
    expect(describeNode('KSampler', { title: 'My sampler', objectInfo })).toBe('Sampling image...')
    expect(describeNode('ImageInvert', { title: ' Invert colours ', objectInfo })).toBe('Invert colours')
    expect(describeNode('ImageInvert', { title: '  ', objectInfo })).toBe('Invert Image')
    expect(describeNode('ImageInvert')).toBe('ImageInvert')
    expect(describeNode('KSampler', { stepNames: { KSampler: 'Painting...' } })).toBe('Painting...')
  })

  it('copes with object_info entries that lack a display name, and with hostile keys', () => {
    expect(describeNode('EmptySD3LatentImage', { stepNames: {}, objectInfo })).toBe('EmptySD3LatentImage')
    expect(describeNode('__proto__', { objectInfo })).toBe('__proto__')
    expect(describeNode('toString')).toBe('toString')
  })

  it('NODE_STEP_NAMES is frozen and names real ComfyUI classes', () => {
    expect(Object.isFrozen(NODE_STEP_NAMES)).toBe(true)
    // The recording server could not load comfy_extras/nodes_upscale_model.py (spandrel missing).
    const notLoadedOnTheRecordingServer = new Set(['UpscaleModelLoader', 'ImageUpscaleWithModel'])
    for (const classType of Object.keys(NODE_STEP_NAMES)) {
      if (notLoadedOnTheRecordingServer.has(classType)) continue
      expect(objectInfo, classType).toHaveProperty([classType])
    }
  })
})
