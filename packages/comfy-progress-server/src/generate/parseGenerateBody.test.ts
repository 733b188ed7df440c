import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { loadWorkflow } from '../../test/helpers.js'
import { generateBodyLimits, parseGenerateBody } from './parseGenerateBody.js'

const workflow = loadWorkflow('txt2img-basic.json')

const failure = (body: unknown): unknown => {
  try {
    parseGenerateBody(body)
    return 'no error'
  } catch (error) {
    return isComfyProgressError(error, 'BODY_INVALID') ? (error.details as { field: string }).field : error
  }
}

describe('parseGenerateBody', () => {
  it('turns a valid body into a task request', () => {
    expect(
      parseGenerateBody({ workflow, workflowName: 'txt2img', prompt: 'a cat', result: { seed: 1 } }),
    ).toEqual({
      workflow,
      workflowName: 'txt2img',
      prompt: 'a cat',
      result: { seed: 1 },
    })
    expect(parseGenerateBody({ workflow })).toEqual({ workflow })
  })

  it('names the field of every invalid body (BODY_INVALID)', () => {
    const tooMany = Object.fromEntries(
      Array.from({ length: generateBodyLimits.maxNodes + 1 }, (_, i) => [String(i), { class_type: 'X' }]),
    )
    const cases: [unknown, string][] = [
      [null, 'body'],
      ['text', 'body'],
      [[workflow], 'body'],
      [{}, 'workflow'],
      [{ workflow: [] }, 'workflow'],
      [{ workflow: {} }, 'workflow'],
      [{ workflow: tooMany }, 'workflow'],
      [{ workflow: { '3': 'KSampler' } }, 'workflow.3'],
      [{ workflow: { '3': { class_type: '' } } }, 'workflow.3.class_type'],
      [{ workflow: { '3': { class_type: 5 } } }, 'workflow.3.class_type'],
      [{ workflow: { '3': { class_type: 'K', inputs: 'x' } } }, 'workflow.3.inputs'],
      [{ workflow, prompt: 5 }, 'prompt'],
      [{ workflow, prompt: 'x'.repeat(generateBodyLimits.maxPromptLength + 1) }, 'prompt'],
      [{ workflow, workflowName: {} }, 'workflowName'],
      [{ workflow, result: [] }, 'result'],
    ]
    for (const [body, field] of cases) expect(failure(body)).toBe(field)
  })
})
