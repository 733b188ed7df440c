import { randomBytes, randomUUID } from 'node:crypto'
import type { ComfyHttpApi, ComfyUploadResult, ComfyWorkflow } from '@comfy-progress/core'
import type { CreateTaskRequest } from '@comfy-progress/server'
import { buildWorkflow } from './buildWorkflow.js'
import { parseGenerateFields } from './parseGenerateFields.js'

/** What {@link createPrepare} needs. */
export interface PrepareOptions {
  /** The API-format templates, by name (`workflows/*.json`). */
  readonly templates: Readonly<Record<'txt2img' | 'inpaint', ComfyWorkflow>>
  /** The checkpoint file name every workflow loads. */
  readonly checkpoint: string
  /** ComfyUI's HTTP API, for the inpaint uploads (`client.api`). */
  readonly api: Pick<ComfyHttpApi, 'uploadImage'>
}

/**
 * The generate route's `prepare`: turns the page's fields into a task request. The workflow is built
 * here from the shipped template, never taken from the browser; for inpainting, the image and its
 * mask are uploaded to ComfyUI first (`POST /upload/image`) and the template points at them. The
 * fields the page shows with the result (seed, uid, description, inpaint area) ride along in `result`.
 *
 * @example
 * ```ts
 * createHandler({ tasks, prepare: createPrepare({ templates, checkpoint, api: client.api }) })
 * ```
 */
export function createPrepare(options: PrepareOptions): (body: unknown) => Promise<CreateTaskRequest> {
  return async (body) => {
    const fields = parseGenerateFields(body)
    const { preset, inpaint } = fields
    const seed = fields.seed ?? randomSeed()
    let files: { image: string; mask: string } | undefined
    if (inpaint !== undefined) {
      const id = randomUUID()
      const [image, mask] = await Promise.all([
        options.api.uploadImage({
          image: inpaint.image.bytes,
          contentType: inpaint.image.contentType,
          filename: `comfy-progress-${id}.${inpaint.image.extension}`,
        }),
        options.api.uploadImage({
          image: inpaint.mask.bytes,
          contentType: 'image/png',
          filename: `comfy-progress-${id}-mask.png`,
        }),
      ])
      files = { image: loadImageName(image), mask: loadImageName(mask) }
    }
    const workflow = buildWorkflow(options.templates[preset.template], {
      prompt: fields.prompt,
      negativePrompt: fields.negativePrompt,
      seed,
      steps: preset.steps,
      checkpoint: options.checkpoint,
      ...(preset.template === 'txt2img' && { width: preset.width, height: preset.height }),
      ...files,
    })
    return {
      workflow,
      workflowName: preset.id,
      prompt: fields.prompt,
      result: {
        seed,
        uid: Date.now(),
        name: preset.label,
        description: `${preset.label} · ${preset.steps} steps · seed ${seed}`,
        inpaint: inpaint !== undefined,
        inpaintArea: inpaint?.area ?? null,
      },
    }
  }
}

/** A random seed in 0 … 2^48 − 1 (exact in JSON). */
function randomSeed(): number {
  return randomBytes(6).readUIntBE(0, 6)
}

/** The value a `LoadImage` input takes for an uploaded file: `subfolder/name`, or just `name`. */
function loadImageName(upload: ComfyUploadResult): string {
  return upload.subfolder === '' ? upload.name : `${upload.subfolder}/${upload.name}`
}
