import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { BlobLike } from './FetchLike.js'
import type { ComfyFileRef } from './httpTypes.js'

/** What {@link ComfyHttpApi.uploadImage} takes. */
export interface UploadImageInput {
  /** The file: a `Blob`/`File`, or raw bytes. */
  readonly image: BlobLike | Uint8Array | ArrayBuffer
  /** The file name ComfyUI stores it under (a clash is renamed `x (1).png` unless `overwrite`). */
  readonly filename: string
  /** MIME type for raw bytes. @default 'image/png' */
  readonly contentType?: string
  /** Target folder: `input`, `temp` or `output`. @default 'input' */
  readonly type?: 'input' | 'temp' | 'output'
  /** Subfolder inside the target folder. @default '' */
  readonly subfolder?: string
  /** Replace an existing file of the same name. @default false */
  readonly overwrite?: boolean
}

/** What {@link ComfyHttpApi.uploadMask} takes: the mask, and the image whose alpha it replaces. */
export interface UploadMaskInput extends UploadImageInput {
  readonly originalRef: ComfyFileRef
}

interface FormDataLike {
  append(name: string, value: unknown, filename?: string): void
}
interface WebGlobals {
  readonly FormData?: new () => FormDataLike
  readonly Blob?: new (parts: readonly unknown[], options?: { type?: string }) => BlobLike
}

/**
 * The multipart body of an upload, built with the platform's `FormData` and `Blob` (global in Node
 * 20+, browsers, Deno and Bun). Field names follow ComfyUI's `/upload/image` and `/upload/mask`.
 */
export function toMultipart(input: UploadImageInput | UploadMaskInput): unknown {
  const { FormData, Blob } = globalThis as unknown as WebGlobals
  if (FormData === undefined || Blob === undefined) {
    throw new ComfyProgressError(
      'CLIENT_INVALID_OPTIONS',
      'comfy-progress: uploads need global FormData and Blob.',
    )
  }
  if (typeof input.filename !== 'string' || input.filename === '') {
    throw new ComfyProgressError('CLIENT_INVALID_OPTIONS', 'comfy-progress: an upload needs a filename.', {
      details: { option: 'filename' },
    })
  }
  const { image } = input
  const blob =
    image instanceof Uint8Array || image instanceof ArrayBuffer
      ? new Blob([image], { type: input.contentType ?? 'image/png' })
      : image
  const form = new FormData()
  form.append('image', blob, input.filename)
  form.append('type', input.type ?? 'input')
  form.append('subfolder', input.subfolder ?? '')
  if (input.overwrite === true) form.append('overwrite', 'true')
  if ('originalRef' in input) {
    const { filename, subfolder = '', type = 'input' } = input.originalRef
    form.append('original_ref', JSON.stringify({ filename, subfolder, type }))
  }
  return form
}
