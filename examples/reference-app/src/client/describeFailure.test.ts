import { describe, expect, it } from 'vitest'
import { describeFailure, NETWORK_FAILURE } from './describeFailure.js'

describe('describeFailure', () => {
  it('puts known failures in words that say what to do', () => {
    expect(describeFailure('COMFY_UNREACHABLE', 'comfy-progress: …').title).toBe('ComfyUI is not reachable')
    expect(describeFailure(NETWORK_FAILURE, '').message).toContain('pnpm start')
    expect(describeFailure('TOO_MANY_TASKS', '').title).toBe('Too many images in progress')
  })

  it("keeps the server's words for the form, and ComfyUI's for a rejected or failed workflow", () => {
    expect(describeFailure('BODY_INVALID', 'comfy-progress: Describe the image you want first.')).toEqual({
      title: 'Check the form',
      message: 'Describe the image you want first.',
    })
    const rejected = describeFailure(
      'COMFY_VALIDATION_FAILED',
      'Generation failed',
      "Prompt outputs failed validation. CheckpointLoaderSimple (node 4): Value not in list: ckpt_name: 'x' not in []",
    )
    expect(rejected.title).toBe('ComfyUI rejected the workflow')
    expect(rejected.message).toContain('Set CHECKPOINT')
    expect(describeFailure('COMFY_EXECUTION_FAILED', 'Generation failed', 'CUDA out of memory')).toEqual({
      title: 'ComfyUI failed while generating',
      message: 'CUDA out of memory',
    })
  })

  it('falls back to the message for an unknown code or none', () => {
    expect(describeFailure('SOMETHING_NEW', 'comfy-progress: it broke')).toEqual({
      title: 'Something went wrong',
      message: 'it broke',
    })
    expect(describeFailure(undefined, 'it broke').message).toBe('it broke')
  })
})
