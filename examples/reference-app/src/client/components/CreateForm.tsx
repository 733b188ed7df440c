import type { ComponentChild } from 'preact'
import { useState } from 'preact/hooks'
import { checkPromptFields, isFieldProblem } from '../../shared/checkPromptFields.js'
import {
  TEXT_TO_IMAGE_PRESETS,
  type WorkflowPreset,
  type WorkflowPresetId,
} from '../../shared/workflowPresets.js'
import { PromptFields, type PromptValues, seedOf } from './PromptFields.js'
import type { GenerateOutcome } from './Studio.js'

/** Props of {@link CreateForm}. */
export interface CreateFormProps {
  readonly generate: (body: {
    prompt: string
    negativePrompt: string
    workflow: WorkflowPresetId
    seed?: number
  }) => Promise<GenerateOutcome>
}

/**
 * The index page's form: the prompt, the workflow (size and speed), an optional seed. Generate only
 * waits for the server's immediate answer (the task id): the button is free again at once, and each
 * image is followed by its own banner.
 */
export function CreateForm({ generate }: CreateFormProps): ComponentChild {
  const [values, setValues] = useState<PromptValues>({ prompt: '', negativePrompt: '', seed: '' })
  const [workflow, setWorkflow] = useState<WorkflowPresetId>('txt2img')
  const [sending, setSending] = useState(false)
  const [problem, setProblem] = useState<{ field?: string; message: string } | null>(null)

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    const seed = seedOf(values.seed)
    const body = {
      prompt: values.prompt,
      negativePrompt: values.negativePrompt,
      workflow,
      ...(seed !== undefined && { seed }),
    }
    const checked = checkPromptFields(body)
    if (isFieldProblem(checked)) return setProblem(checked)
    setProblem(null)
    setSending(true)
    const outcome = await generate(body)
    setSending(false)
    if (!outcome.ok) setProblem({ message: outcome.message })
  }

  return (
    <form class="form" onSubmit={(event) => void submit(event)} noValidate>
      <div class="panel-head">
        <h1>Create an image</h1>
      </div>
      <PromptFields
        values={values}
        onChange={setValues}
        promptLabel="Prompt"
        promptPlaceholder="A lighthouse on a cliff at dusk, warm light, oil painting"
        invalidField={problem?.field}
      >
        <fieldset class="field presets">
          <legend class="field-label">Workflow</legend>
          <div class="preset-grid">
            {TEXT_TO_IMAGE_PRESETS.map((preset) => (
              <label key={preset.id} class="preset">
                <input
                  type="radio"
                  name="workflow"
                  value={preset.id}
                  checked={workflow === preset.id}
                  onChange={() => setWorkflow(preset.id)}
                />
                <span class="preset-card">
                  <span class={`preset-shape shape-${shapeOf(preset)}`} aria-hidden="true" />
                  <span class="preset-label">{preset.label}</span>
                  <span class="preset-hint">{preset.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      </PromptFields>
      {problem !== null && (
        <p class="form-error" role="alert">
          {problem.message}
        </p>
      )}
      <button type="submit" class="button primary wide" id="generate" disabled={sending}>
        {sending ? 'Sending…' : 'Generate'}
      </button>
    </form>
  )
}

/** The little picture of a preset: its shape, faded for a draft. */
function shapeOf(preset: WorkflowPreset): 'tall' | 'square' | 'draft' {
  return preset.width < preset.height ? 'tall' : preset.steps < 20 ? 'draft' : 'square'
}
