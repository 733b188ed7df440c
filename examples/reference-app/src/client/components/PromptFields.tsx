import type { ComponentChild } from 'preact'
import { generateLimits } from '../../shared/GenerateBody.js'

/** The text fields both forms share, as the person typed them. */
export interface PromptValues {
  readonly prompt: string
  readonly negativePrompt: string
  /** As typed; empty means random. */
  readonly seed: string
}

/** Props of {@link PromptFields}. */
export interface PromptFieldsProps {
  readonly values: PromptValues
  readonly onChange: (values: PromptValues) => void
  readonly promptLabel: string
  readonly promptPlaceholder: string
  /** The field the last problem was about, to mark it. */
  readonly invalidField?: string | undefined
  /** What goes between the prompt and the seed (the workflow choice). */
  readonly children?: ComponentChild
}

/** The prompt, the page's own fields (`children`), an optional seed and, under "More options", the negative prompt. */
export function PromptFields({
  values,
  onChange,
  promptLabel,
  promptPlaceholder,
  invalidField,
  children,
}: PromptFieldsProps): ComponentChild {
  const set = (patch: Partial<PromptValues>): void => onChange({ ...values, ...patch })
  return (
    <>
      <label class="field">
        <span class="field-label">{promptLabel}</span>
        <textarea
          id="prompt"
          name="prompt"
          rows={3}
          maxLength={generateLimits.maxPromptLength}
          placeholder={promptPlaceholder}
          value={values.prompt}
          aria-invalid={invalidField === 'prompt' ? 'true' : undefined}
          onInput={(event) => set({ prompt: event.currentTarget.value })}
        />
      </label>
      {children}
      <div class="field">
        <label class="field-label" for="seed">
          Seed <span class="muted">(optional)</span>
        </label>
        <div class="seed-row">
          <input
            id="seed"
            name="seed"
            inputMode="numeric"
            autoComplete="off"
            placeholder="Random"
            value={values.seed}
            aria-invalid={invalidField === 'seed' ? 'true' : undefined}
            onInput={(event) => set({ seed: event.currentTarget.value })}
          />
          <button
            type="button"
            class="button ghost"
            title="Pick a seed"
            onClick={() => set({ seed: String(Math.floor(Math.random() * 2 ** 32)) })}
          >
            Pick
          </button>
          {values.seed !== '' && (
            <button
              type="button"
              class="button ghost"
              title="Use a random seed"
              onClick={() => set({ seed: '' })}
            >
              Clear
            </button>
          )}
        </div>
        <p class="field-hint">The same seed and prompt give the same image.</p>
      </div>
      <details class="more">
        <summary>More options</summary>
        <label class="field">
          <span class="field-label">Negative prompt</span>
          <input
            name="negativePrompt"
            placeholder="blurry, low quality"
            maxLength={generateLimits.maxPromptLength}
            value={values.negativePrompt}
            onInput={(event) => set({ negativePrompt: event.currentTarget.value })}
          />
        </label>
      </details>
    </>
  )
}

/** The seed as a number for the request: `undefined` when empty, `NaN` when not a number (the check says so). */
export function seedOf(text: string): number | undefined {
  const trimmed = text.trim()
  return trimmed === '' ? undefined : /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN
}
