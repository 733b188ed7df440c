import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A file in ComfyUI's folders, as its `/view` route takes it. */
export interface ImageRef {
  readonly filename: string
  /** @default '' */
  readonly subfolder?: string
  /** `output`, `temp` or `input`. @default 'output' */
  readonly type?: string
  /**
   * The ComfyUI backend that holds the file (TaskManager `backends`): signed with the rest, and put
   * in the URL as `backend=`.
   * @default undefined (the only, or first, backend)
   */
  readonly backend?: string
}

/** Signs and checks the capability in image URLs. */
export interface ImageSigner {
  /** The URL path and query of `ref` under `basePath`: `/image/<filename>?type=…&subfolder=…&sig=…`. */
  url(ref: ImageRef): string
  /** Whether `sig` was made by this signer for `ref`; compared in constant time. */
  verify(ref: ImageRef, sig: string): boolean
}

/** Characters of base64url signature kept: 128 bits. */
const SIG_LENGTH = 22

/**
 * Signs result image URLs, so that `/image/...` serves only files this server handed out: ComfyUI's
 * output names (`ComfyUI_00042_.png`) are guessable, the signature is not. URLs stay valid after the
 * task expires (the app may keep `result.imageUrl`) and on every instance that shares the secret.
 *
 * @example
 * ```ts
 * const signer = createImageSigner({ secret: process.env.IMAGE_SECRET, basePath: '/api' })
 * signer.url({ filename: 'ComfyUI_00042_.png' }) // '/api/image/ComfyUI_00042_.png?sig=…'
 * ```
 */
export function createImageSigner(
  options: { readonly secret?: string | Uint8Array; readonly basePath?: string } = {},
): ImageSigner {
  const secret = options.secret ?? randomBytes(32)
  const basePath = options.basePath ?? ''
  const sign = (ref: ImageRef) =>
    createHmac('sha256', secret)
      .update(
        `${ref.backend === undefined ? '' : `backend:${encodeURIComponent(ref.backend)}\n`}${ref.type ?? 'output'}\n${ref.subfolder ?? ''}\n${ref.filename}`,
      )
      .digest('base64url')
      .slice(0, SIG_LENGTH)
  return {
    url(ref) {
      const query = new URLSearchParams()
      if ((ref.type ?? 'output') !== 'output') query.set('type', ref.type!)
      if (ref.subfolder) query.set('subfolder', ref.subfolder)
      if (ref.backend !== undefined) query.set('backend', ref.backend)
      query.set('sig', sign(ref))
      return `${basePath}/image/${encodeURIComponent(ref.filename)}?${query.toString()}`
    },
    verify(ref, sig) {
      if (typeof sig !== 'string' || sig.length !== SIG_LENGTH) return false
      const given = Buffer.from(sig)
      // 22 characters may be more than 22 bytes (non-ASCII); timingSafeEqual throws on unequal lengths.
      if (given.length !== SIG_LENGTH) return false
      return timingSafeEqual(Buffer.from(sign(ref)), given)
    },
  }
}
