import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralRequest } from './NeutralHttp.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The request's JSON body: the framework's parsed body if there is one, otherwise at most `maxBytes`
 * read from the stream and parsed. Rejects with `BODY_TOO_LARGE`, or `BODY_NOT_JSON` for a body that
 * is not UTF-8 JSON or is sent with a `Content-Type` other than JSON.
 */
export async function readJsonBody(request: NeutralRequest, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type')
  if (type !== null && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ComfyProgressError(
      'BODY_NOT_JSON',
      'comfy-progress: the body must be sent as application/json.',
    )
  }
  const parsed = request.parsedBody
  if (parsed !== undefined && typeof parsed !== 'string' && !(parsed instanceof Uint8Array)) return parsed
  const raw = parsed === undefined ? await request.readBody(maxBytes) : parsed
  const text = typeof raw === 'string' ? raw : decode(raw)
  if (text.length > maxBytes)
    throw new ComfyProgressError('BODY_TOO_LARGE', undefined, { details: { limit: maxBytes } })
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ComfyProgressError('BODY_NOT_JSON', undefined, { cause: error })
  }
}

function decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes)
  } catch (error) {
    throw new ComfyProgressError('BODY_NOT_JSON', 'comfy-progress: the body is not UTF-8.', { cause: error })
  }
}
