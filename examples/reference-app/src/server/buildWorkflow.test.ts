import { readFileSync } from 'node:fs'
import type { ComfyWorkflow } from '@comfy-progress/core'
import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { buildWorkflow } from './buildWorkflow.js'

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../workflows/${name}.json`, import.meta.url), 'utf8')) as ComfyWorkflow
const fields = {
  prompt: 'a lighthouse',
  negativePrompt: 'blurry',
  seed: 7,
  steps: 12,
  checkpoint: 'model.safetensors',
}

describe('buildWorkflow', () => {
  it('fills the txt2img template by role: prompts, seed, steps, size, checkpoint', () => {
    const template = load('txt2img')
    const workflow = buildWorkflow(template, { ...fields, width: 512, height: 768 })
    expect(workflow['3']!.inputs).toMatchObject({ seed: 7, steps: 12 })
    expect(workflow['6']!.inputs!.text).toBe('a lighthouse')
    expect(workflow['7']!.inputs!.text).toBe('blurry')
    expect(workflow['4']!.inputs!.ckpt_name).toBe('model.safetensors')
    expect(workflow['5']!.inputs).toMatchObject({ width: 512, height: 768 })
    expect(template['6']!.inputs!.text).not.toBe('a lighthouse')
  })

  it('fills the inpaint template with the uploaded image and mask', () => {
    const workflow = buildWorkflow(load('inpaint'), { ...fields, image: 'in.png', mask: 'sub/mask.png' })
    expect(workflow['10']!.inputs!.image).toBe('in.png')
    expect(workflow['11']!.inputs!.image).toBe('sub/mask.png')
  })

  it('finds the nodes whatever their ids (an exported workflow of the same shape)', () => {
    const renumbered = Object.fromEntries(
      Object.entries(load('txt2img')).map(([id, node]) => [
        `n${id}`,
        {
          ...node,
          inputs: Object.fromEntries(
            Object.entries(node.inputs ?? {}).map(([key, value]) => [
              key,
              Array.isArray(value) ? [`n${String(value[0])}`, value[1]] : value,
            ]),
          ),
        },
      ]),
    ) as ComfyWorkflow
    const workflow = buildWorkflow(renumbered, fields)
    expect(workflow.n6!.inputs!.text).toBe('a lighthouse')
    expect(workflow.n7!.inputs!.text).toBe('blurry')
  })

  it('rejects a template without a sampler with INTERNAL_ERROR', () => {
    const error: unknown = (() => {
      try {
        buildWorkflow({ '1': { class_type: 'SaveImage', inputs: {} } }, fields)
      } catch (caught) {
        return caught
      }
      return undefined
    })()
    expect(isComfyProgressError(error) && error.code).toBe('INTERNAL_ERROR')
  })
})
