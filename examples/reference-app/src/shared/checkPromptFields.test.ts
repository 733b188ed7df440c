import { describe, expect, it } from 'vitest'
import { checkPromptFields, isFieldProblem } from './checkPromptFields.js'

describe('checkPromptFields', () => {
  it('accepts a prompt, a preset and a seed in range', () => {
    const checked = checkPromptFields({ prompt: ' a cat ', workflow: 'txt2img', seed: 9007199254740991 })
    expect(isFieldProblem(checked)).toBe(false)
    expect(checked).toMatchObject({ prompt: 'a cat', negativePrompt: '', seed: 9007199254740991 })
  })

  it('names the field and says what to do', () => {
    expect(checkPromptFields({ prompt: 'a cat', workflow: 'nope' })).toEqual({
      field: 'workflow',
      message: 'Choose one of the listed workflows.',
    })
    expect(checkPromptFields({ prompt: '', workflow: 'inpaint' })).toEqual({
      field: 'prompt',
      message: 'Describe what should appear in the painted area.',
    })
    expect(checkPromptFields({ prompt: 'a cat', workflow: 'txt2img', seed: Number.NaN })).toMatchObject({
      field: 'seed',
    })
  })
})
