import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { parseGenerateFields } from './parseGenerateFields.js'

const PNG = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]).toString('base64')}`

function problemOf(body: unknown): { code: string; field: unknown } {
  try {
    parseGenerateFields(body)
  } catch (error) {
    if (isComfyProgressError(error)) {
      return { code: error.code, field: (error.details as { field?: unknown } | undefined)?.field }
    }
    throw error
  }
  throw new Error('no problem found')
}

describe('parseGenerateFields', () => {
  it('checks a text-to-image request: trimmed prompt, the preset, a default negative prompt, no seed', () => {
    const fields = parseGenerateFields({ prompt: '  a cat  ', workflow: 'txt2img-draft' })
    expect(fields).toMatchObject({ prompt: 'a cat', negativePrompt: 'blurry, low quality', seed: undefined })
    expect(fields.preset.steps).toBe(10)
    expect(fields.inpaint).toBeUndefined()
  })

  it('keeps a seed and a negative prompt', () => {
    const fields = parseGenerateFields({
      prompt: 'a cat',
      workflow: 'txt2img',
      seed: 0,
      negativePrompt: 'dogs',
    })
    expect(fields).toMatchObject({ seed: 0, negativePrompt: 'dogs' })
  })

  it('checks an inpaint request: image, PNG mask, area', () => {
    const area = { x: 1, y: 2, width: 3, height: 4 }
    const fields = parseGenerateFields({
      prompt: 'a boat',
      workflow: 'inpaint',
      image: PNG,
      mask: PNG,
      inpaintArea: area,
    })
    expect(fields.inpaint).toMatchObject({
      area,
      image: { contentType: 'image/png' },
      mask: { contentType: 'image/png' },
    })
    const noArea = parseGenerateFields({
      prompt: 'a boat',
      workflow: 'inpaint',
      image: PNG,
      mask: PNG,
      inpaintArea: { x: -1 },
    })
    expect(noArea.inpaint?.area).toBeNull()
  })

  it.each([
    [null, 'body'],
    ['a cat', 'body'],
    [{ prompt: 'a cat' }, 'workflow'],
    [{ prompt: '', workflow: 'txt2img' }, 'prompt'],
    [{ prompt: 7, workflow: 'txt2img' }, 'prompt'],
    [{ prompt: 'a cat', workflow: 'txt2img', negativePrompt: 'x'.repeat(1001) }, 'negativePrompt'],
    [{ prompt: 'a cat', workflow: 'txt2img', seed: '12' }, 'seed'],
    [{ prompt: 'a cat', workflow: 'txt2img', seed: Number.MAX_SAFE_INTEGER + 2 }, 'seed'],
    [{ prompt: 'a boat', workflow: 'inpaint', mask: PNG }, 'image'],
    [{ prompt: 'a boat', workflow: 'inpaint', image: PNG }, 'mask'],
  ])('rejects %j with BODY_INVALID naming the field %s', (body, field) => {
    expect(problemOf(body)).toEqual({ code: 'BODY_INVALID', field })
  })
})
