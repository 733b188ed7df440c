import { posix } from 'node:path'
import { contentTypeFor } from '../images/sniffImage.js'
import type { SimCore } from '../SimCore.js'
import { isFolder, parseAnnotatedName, safeSubfolder } from '../storage/FileStore.js'
import { isObject, readBody, type RouteContext, sendError, sendJson } from './httpUtils.js'

/**
 * `POST /upload/image`, `POST /upload/mask` and `GET /view`, with ComfyUI's rules: name clashes get
 * `" (1)"` unless the bytes are identical, `overwrite` replaces, nothing escapes its folder (400 for
 * bad names, 403 for a subfolder outside the folder, 404 for missing files).
 *
 * @module
 */

/** `POST /upload/image` and `/upload/mask` (multipart: `image`, `type`, `subfolder`, `overwrite`, `original_ref`). */
export async function postUpload(
  { core, request, response }: RouteContext,
  kind: 'image' | 'mask',
): Promise<void> {
  const body = await readBody(request, core.maxUploadSize)
  let form: FormData
  try {
    form = await new Request('http://comfyui-sim/upload', {
      method: 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? '' },
      body,
    }).formData()
  } catch {
    return sendError(response, 400)
  }
  const image = form.get('image')
  if (typeof image === 'string' || image === null || !image.name) return sendError(response, 400)
  const type = form.get('type') ?? 'input'
  if (!isFolder(type)) throw new TypeError('unknown upload type')
  const subfolder = textField(form, 'subfolder')
  const path = safeSubfolder(posix.join(subfolder, image.name))
  if (path === undefined || path === '') return sendError(response, 400)
  const directory = posix.dirname(path) === '.' ? '' : posix.dirname(path)
  const bytes = Buffer.from(await image.arrayBuffer())
  const overwrite = textField(form, 'overwrite')

  let filename = posix.basename(path)
  let duplicate = false
  if (overwrite !== 'true' && overwrite !== '1') {
    const extension = posix.extname(filename)
    const stem = filename.slice(0, filename.length - extension.length)
    for (let i = 1; core.files.get({ folder: type, subfolder: directory, name: filename }); i++) {
      if (core.files.get({ folder: type, subfolder: directory, name: filename })!.equals(bytes)) {
        duplicate = true
        break
      }
      filename = `${stem} (${i})${extension}`
    }
  }
  if (!duplicate) {
    const saved = kind === 'mask' ? maskedOriginal(core, textField(form, 'original_ref')) : bytes
    if (saved) core.files.set({ folder: type, subfolder: directory, name: filename }, saved)
  }
  sendJson(response, 200, { name: filename, subfolder, type })
}

/**
 * The image `/upload/mask` saves: ComfyUI pastes the mask's alpha onto the original. The simulator
 * keeps the original's pixels as they are (it does not decode images); like ComfyUI, it saves
 * nothing when the original cannot be found.
 */
function maskedOriginal(core: SimCore, originalRef: string): Buffer | undefined {
  const reference = JSON.parse(originalRef) as unknown
  if (!isObject(reference) || typeof reference.filename !== 'string') throw new TypeError('bad original_ref')
  const { name, folder } = parseAnnotatedName(reference.filename)
  if (!name || name.startsWith('/') || name.includes('..')) return undefined
  const type = folder ?? reference.type ?? 'output'
  if (!isFolder(type)) return undefined
  const subfolder = safeSubfolder(typeof reference.subfolder === 'string' ? reference.subfolder : '')
  if (subfolder === undefined) return undefined
  return core.files.get({ folder: type, subfolder, name })
}

/** `GET /view?filename=&subfolder=&type=`: the file's bytes with its MIME type. */
export function getView({ core, url, response }: RouteContext): void {
  const requested = url.searchParams.get('filename')
  if (requested === null) return sendError(response, 404)
  const { name, folder: annotated } = parseAnnotatedName(requested)
  if (!name || name.startsWith('/') || name.includes('..')) return sendError(response, 400)
  const folder: unknown = annotated ?? url.searchParams.get('type') ?? 'output'
  if (!isFolder(folder)) return sendError(response, 400)
  let subfolder = ''
  const rawSubfolder = url.searchParams.get('subfolder')
  if (rawSubfolder !== null) {
    const safe = safeSubfolder(rawSubfolder)
    if (safe === undefined) return sendError(response, 403)
    subfolder = safe
  }
  const filename = posix.basename(name)
  const bytes = core.files.get({ folder, subfolder, name: filename })
  if (!bytes) return sendError(response, 404)
  response.writeHead(200, {
    'Content-Type': contentTypeFor(filename),
    'Content-Length': bytes.length,
    'Content-Disposition': `filename="${filename}"`,
  })
  response.end(bytes)
}

function textField(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}
