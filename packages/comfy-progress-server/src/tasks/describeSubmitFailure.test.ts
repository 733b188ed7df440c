import { ComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { describeSubmitFailure } from './describeSubmitFailure.js'

describe('describeSubmitFailure', () => {
  it('names each failing node with ComfyUI’s words', () => {
    const error = new ComfyProgressError('COMFY_VALIDATION_FAILED', undefined, {
      details: {
        error: {
          type: 'prompt_outputs_failed_validation',
          message: 'Prompt outputs failed validation',
          details: '',
        },
        node_errors: {
          '3': {
            class_type: 'KSampler',
            dependent_outputs: ['9'],
            errors: [
              { type: 'value_smaller_than_min', message: 'Value 0 smaller than min of 1', details: 'steps' },
            ],
          },
        },
      },
    })
    expect(describeSubmitFailure(error)).toBe(
      'Prompt outputs failed validation. KSampler (node 3): Value 0 smaller than min of 1: steps',
    )
  })

  it('handles a validation failure without node errors, and old string errors', () => {
    const noOutput = new ComfyProgressError('COMFY_VALIDATION_FAILED', undefined, {
      details: { error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs' }, node_errors: [] },
    })
    expect(describeSubmitFailure(noOutput)).toBe('Prompt has no outputs')
    const old = new ComfyProgressError('COMFY_VALIDATION_FAILED', undefined, {
      details: { error: 'bad', node_errors: {} },
    })
    expect(describeSubmitFailure(old)).toBe('bad')
    expect(describeSubmitFailure(new ComfyProgressError('COMFY_VALIDATION_FAILED'))).toMatch(
      /rejected the workflow/,
    )
  })

  it('uses the code’s meaning for other failures, never the message with its URL', () => {
    const error = new ComfyProgressError(
      'COMFY_UNREACHABLE',
      'comfy-progress: fetch http://10.0.0.3:8188/prompt failed',
    )
    expect(describeSubmitFailure(error)).not.toContain('10.0.0.3')
    expect(describeSubmitFailure(error)).toMatch(/could not be reached/)
  })
})
