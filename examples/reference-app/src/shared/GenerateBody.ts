import type { WorkflowPresetId } from './workflowPresets.js'

/**
 * What the pages send to `POST /api/generate`: the person's choices, never a ComfyUI graph (the
 * server builds it from a template). Types and limits only.
 *
 * @module
 */

/** The painted area of an inpaint request, in the uploaded image's pixels. */
export interface InpaintArea {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** The generate request of both pages. */
export interface GenerateBody {
  /** What to draw (or, when inpainting, what to draw in the painted area). */
  readonly prompt: string
  /** What to avoid. */
  readonly negativePrompt?: string
  /** A preset id from `WORKFLOW_PRESETS`. */
  readonly workflow: WorkflowPresetId
  /** A whole number from 0 to `MAX_SEED`; random when left out. */
  readonly seed?: number
  /** Inpaint only: the source image as a `data:image/png;base64,…` URL. */
  readonly image?: string
  /** Inpaint only: the mask, same size as the image, white where to repaint, as a PNG data URL. */
  readonly mask?: string
  /** Inpaint only: the bounding box of the mask, for the result. */
  readonly inpaintArea?: InpaintArea
}

/** Limits both sides check (frozen). */
export const generateLimits = Object.freeze({
  /** Longest prompt, in characters. */
  maxPromptLength: 1000,
  /** Largest seed: the largest integer JSON carries exactly. */
  maxSeed: Number.MAX_SAFE_INTEGER,
  /** Longest side of an image sent for inpainting (the page scales larger ones down; SD1.5 works best near 512). */
  maxImageSide: 768,
  /** Largest request body, in bytes (an image and its mask as base64). */
  maxBodyBytes: 12 * 1024 * 1024,
})
