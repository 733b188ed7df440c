import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralRequest, NeutralResponse } from '../http/NeutralHttp.js'
import type { TaskManager } from '../tasks/TaskManager.js'
import { requireMethod } from './matchTaskPath.js'
import { parseRequestUrl } from '../http/parseRequestUrl.js'

const IMAGE_PATH = /\/image\/([^/]+)$/
const SIG = /^[\w-]*$/

/**
 * `GET /image/:filename?type=&subfolder=&sig=`: a result image, proxied from ComfyUI's `/view` so that
 * `result.imageUrl` never points at ComfyUI. Only signed URLs (those put in completed events) are
 * served; anything else is 404 `IMAGE_NOT_FOUND`. Signed URLs never change meaning, so the answer may
 * be cached for good.
 */
export async function handleImageRequest(
  request: NeutralRequest,
  tasks: Pick<TaskManager, 'image'>,
): Promise<NeutralResponse> {
  requireMethod(request.method, 'GET')
  const url = parseRequestUrl(request.url)
  const match = IMAGE_PATH.exec(url.pathname)
  if (match === null) throw new ComfyProgressError('ROUTE_NOT_FOUND')
  let filename: string
  try {
    filename = decodeURIComponent(match[1]!)
  } catch {
    throw new ComfyProgressError('IMAGE_NOT_FOUND')
  }
  const ref = {
    filename,
    subfolder: url.searchParams.get('subfolder') ?? '',
    type: url.searchParams.get('type') ?? 'output',
    ...(url.searchParams.has('backend') ? { backend: url.searchParams.get('backend')! } : {}),
  }
  const sig = url.searchParams.get('sig') ?? ''
  // Signatures are base64url: anything else is no signature of ours (and a non-ASCII one of the right
  // length made the constant-time comparison throw on buffers of different byte lengths: a 500).
  if (!SIG.test(sig)) throw new ComfyProgressError('IMAGE_NOT_FOUND')
  const image = await tasks.image(ref, sig)
  return {
    kind: 'body',
    status: 200,
    headers: { 'Content-Type': image.contentType, 'Cache-Control': 'private, max-age=31536000, immutable' },
    body: image.bytes,
  }
}
