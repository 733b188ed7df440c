import type { FileStore } from '../storage/FileStore.js'
import type { CustomInputValidator } from './validateInputs.js'

/**
 * The `VALIDATE_INPUTS` of ComfyUI's image loaders: the file must exist (in `input/`, or where its
 * annotation says), otherwise `custom_validation_failed` with `"Invalid image file: <name>"`.
 *
 * @module
 */

/** Validators for LoadImage, LoadImageMask and LoadImageOutput over the simulator's files. */
export function fileValidators(files: FileStore): Record<string, Record<string, CustomInputValidator>> {
  const exists =
    (folder: 'input' | 'output'): CustomInputValidator =>
    (value) =>
      typeof value === 'string' && files.resolve(value, folder)
        ? true
        : `Invalid image file: ${String(value)}`
  return {
    LoadImage: { image: exists('input') },
    LoadImageMask: { image: exists('input') },
    LoadImageOutput: { image: exists('output') },
  }
}
