import { describe, expect, it } from 'vitest'
import { httpExchanges, loadRecording, loadWorkflow } from '../../test/fixtures.js'
import { toPythonJson } from '../internal/pythonJson.js'
import type { ApiPrompt } from './ApiPrompt.js'
import { loadCoreObjectInfo } from './ObjectInfo.js'
import { validatePrompt } from './validatePrompt.js'

const objectInfo = loadCoreObjectInfo()
const rejected = httpExchanges(loadRecording('04-validation-error.jsonl'), 'POST', '/prompt').filter(
  (e) => (e.request as { prompt?: unknown }).prompt !== undefined,
)

describe('validatePrompt', () => {
  it('accepts every recorded workflow that the real server accepted', () => {
    for (const name of ['txt2img-basic.json', 'inpaint.json', 'runtime-error-latent-channels.json']) {
      const verdict = validatePrompt(loadWorkflow(name), {
        objectInfo,
        customValidators: { LoadImage: { image: () => true }, LoadImageMask: { image: () => true } },
      })
      expect(verdict).toMatchObject({ ok: true, outputs: ['9'], nodeErrors: {} })
    }
  })

  it.each(rejected.map((exchange, index) => [index, exchange] as const))(
    'answers rejected prompt #%i with the recorded 400 body, word for word',
    (_index, exchange) => {
      const prompt = structuredClone((exchange.request as { prompt: ApiPrompt }).prompt)
      const verdict = validatePrompt(prompt, { objectInfo })
      expect(verdict.ok).toBe(false)
      if (verdict.ok) return
      const body = JSON.parse(
        toPythonJson({ error: verdict.error, node_errors: verdict.nodeErrors }),
      ) as unknown
      expect(body).toEqual(exchange.response)
    },
  )

  it('converts widget values in place as ComfyUI stores them', () => {
    const prompt = loadWorkflow('txt2img-basic.json')
    prompt['3']!.inputs.steps = '20'
    expect(validatePrompt(prompt, { objectInfo }).ok).toBe(true)
    expect(prompt['3']!.inputs.steps).toBe(20)
    expect(toPythonJson(prompt['3']!.inputs.cfg)).toBe('7.0')
  })

  it('reports a link to a missing node as exception_during_validation on the output', () => {
    const prompt = loadWorkflow('txt2img-basic.json')
    prompt['9']!.inputs.images = ['99', 0]
    const verdict = validatePrompt(prompt, { objectInfo })
    expect(verdict).toMatchObject({
      ok: false,
      error: { type: 'prompt_outputs_failed_validation' },
      nodeErrors: { '9': { errors: [{ type: 'exception_during_validation', details: "'99'" }] } },
    })
  })

  it('reports a link to a missing node further up as exception_during_inner_validation', () => {
    const prompt = loadWorkflow('txt2img-basic.json')
    prompt['8']!.inputs.samples = ['99', 0]
    const verdict = validatePrompt(prompt, { objectInfo })
    expect(verdict).toMatchObject({
      ok: false,
      nodeErrors: {
        '8': { errors: [{ type: 'exception_during_inner_validation' }], dependent_outputs: ['9'] },
      },
    })
  })

  it('reports a type mismatch between linked nodes', () => {
    const prompt = loadWorkflow('txt2img-basic.json')
    prompt['8']!.inputs.vae = ['4', 0]
    const verdict = validatePrompt(prompt, { objectInfo })
    expect(verdict).toMatchObject({
      ok: false,
      nodeErrors: {
        '8': {
          errors: [
            { type: 'return_type_mismatch', details: 'vae, received_type(MODEL) mismatch input_type(VAE)' },
          ],
        },
      },
    })
  })

  it('runs custom validators instead of the list check and reports custom_validation_failed', () => {
    const prompt: ApiPrompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'missing.png' } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    }
    const verdict = validatePrompt(prompt, {
      objectInfo,
      customValidators: { LoadImage: { image: (v) => `Invalid image file: ${String(v)}` } },
    })
    expect(verdict).toMatchObject({
      ok: false,
      nodeErrors: {
        '1': {
          errors: [{ type: 'custom_validation_failed', details: 'image - Invalid image file: missing.png' }],
        },
      },
    })
  })

  it('accepts a prompt whose other output failed, listing the failure in node_errors', () => {
    const prompt = loadWorkflow('txt2img-basic.json')
    prompt['10'] = { class_type: 'SaveImage', inputs: { images: ['8', 0] } }
    const verdict = validatePrompt(prompt, { objectInfo })
    expect(verdict).toMatchObject({
      ok: true,
      outputs: ['9'],
      nodeErrors: { '10': { errors: [{ type: 'required_input_missing' }], dependent_outputs: ['10'] } },
    })
  })

  it('rejects a node without class_type and a class named like an Object property', () => {
    expect(validatePrompt({ '1': { inputs: {} } as never }, { objectInfo })).toMatchObject({
      ok: false,
      error: { type: 'invalid_prompt', details: "Node ID '#1'" },
    })
    expect(validatePrompt({ '1': { class_type: 'constructor', inputs: {} } }, { objectInfo })).toMatchObject({
      ok: false,
      error: { type: 'invalid_prompt' },
    })
  })

  it('only executes partial_execution_targets', () => {
    const prompt = loadWorkflow('txt2img-basic.json')
    expect(validatePrompt(prompt, { objectInfo, partialTargets: ['5'] })).toMatchObject({
      ok: false,
      error: { type: 'prompt_no_outputs' },
    })
  })
})
