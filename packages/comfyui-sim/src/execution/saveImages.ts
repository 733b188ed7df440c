import type { ComfyImageRef } from '@comfy-progress/core'
import { renderOutputImage } from '../images/renderOutputImage.js'
import { toPythonJson } from '../internal/pythonJson.js'
import { type Folder, safeSubfolder } from '../storage/FileStore.js'
import { type NodeContext, traceShape } from './nodeBehaviour.js'

/**
 * What output nodes write: SaveImage saves `<prefix>_00001_.png` in `output/` (the counter continues
 * from the files already there, as ComfyUI's `get_save_image_path` does), PreviewImage saves
 * `ComfyUI_temp_<5 letters>_00001_.png` in `temp/`. One PNG per image of the batch.
 *
 * @module
 */

/** The UI output of a node (`executed.output`), or `undefined` for a node that shows none. */
export function saveImages(
  context: NodeContext,
  nodeId: string,
  seed: number,
): { images: ComfyImageRef[] } | undefined {
  const node = context.prompt[nodeId]!
  const info = context.objectInfo[node.class_type]
  const imageInput = info
    ? Object.entries(info.input.required ?? {}).find(([, spec]) => spec[0] === 'IMAGE')
    : undefined
  if (!info?.output_node || !imageInput) return undefined
  const toOutput =
    node.class_type === 'SaveImage' ||
    (node.class_type !== 'PreviewImage' && node.class_type.startsWith('Save'))
  const folder: Folder = toOutput ? 'output' : 'temp'
  const requested =
    toOutput && typeof node.inputs.filename_prefix === 'string'
      ? node.inputs.filename_prefix
      : toOutput
        ? 'ComfyUI'
        : ''
  const prefix = toOutput ? requested : `ComfyUI_temp_${randomLetters(5)}`
  const slash = prefix.lastIndexOf('/')
  const subfolder = safeSubfolder(slash < 0 ? '' : prefix.slice(0, slash)) ?? ''
  const name = slash < 0 ? prefix : prefix.slice(slash + 1)
  const source = node.inputs[imageInput[0]]
  const shape = traceShape(
    context,
    Array.isArray(source) && typeof source[0] === 'string' ? source[0] : nodeId,
  )
  let counter = context.files.nextCounter(folder, subfolder, name)
  const images: ComfyImageRef[] = []
  for (let index = 0; index < shape.batch; index++, counter++) {
    const filename = `${name}_${String(counter).padStart(5, '0')}_.png`
    const png = renderOutputImage({
      width: shape.width,
      height: shape.height,
      seed: seed + index,
      text: { prompt: toPythonJson(context.prompt) },
    })
    context.files.set({ folder, subfolder, name: filename }, png)
    images.push({ filename, subfolder, type: folder })
  }
  return { images }
}

function randomLetters(count: number): string {
  const alphabet = 'abcdefghijklmnopqrstupvxyz'
  let out = ''
  for (let i = 0; i < count; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)]
  return out
}
