/**
 * The workflows a person can pick, shared by the pages (the choice in the form) and the server (which
 * builds the ComfyUI graph from the chosen preset; the browser never sends a graph).
 *
 * @module
 */

/** The id of a preset, as the form sends it. */
export type WorkflowPresetId = 'txt2img' | 'txt2img-portrait' | 'txt2img-draft' | 'inpaint'

/** One way to generate: which template, at what size, with how many sampling steps. */
export interface WorkflowPreset {
  readonly id: WorkflowPresetId
  /** What the form shows. */
  readonly label: string
  /** One line under the choice. */
  readonly hint: string
  /** The API-format template in `workflows/`. */
  readonly template: 'txt2img' | 'inpaint'
  /** Sampling steps (KSampler `steps`). */
  readonly steps: number
  /** Image size for text-to-image (`EmptyLatentImage`); inpainting keeps the uploaded image's size. */
  readonly width: number
  readonly height: number
}

/** Every preset, in the order the form lists them (frozen). */
export const WORKFLOW_PRESETS: readonly WorkflowPreset[] = Object.freeze([
  {
    id: 'txt2img',
    label: 'Square',
    hint: '512 × 512 · 20 steps',
    template: 'txt2img',
    steps: 20,
    width: 512,
    height: 512,
  },
  {
    id: 'txt2img-portrait',
    label: 'Portrait',
    hint: '512 × 768 · 20 steps',
    template: 'txt2img',
    steps: 20,
    width: 512,
    height: 768,
  },
  {
    id: 'txt2img-draft',
    label: 'Quick draft',
    hint: '512 × 512 · 10 steps',
    template: 'txt2img',
    steps: 10,
    width: 512,
    height: 512,
  },
  {
    id: 'inpaint',
    label: 'Inpaint',
    hint: 'repaint the masked area · 20 steps',
    template: 'inpaint',
    steps: 20,
    width: 0,
    height: 0,
  },
])

/** The presets of the index page's choice (text to image). */
export const TEXT_TO_IMAGE_PRESETS: readonly WorkflowPreset[] = WORKFLOW_PRESETS.filter(
  (preset) => preset.template === 'txt2img',
)

/** The preset with this id, or `undefined`. */
export function findWorkflowPreset(id: unknown): WorkflowPreset | undefined {
  return WORKFLOW_PRESETS.find((preset) => preset.id === id)
}
