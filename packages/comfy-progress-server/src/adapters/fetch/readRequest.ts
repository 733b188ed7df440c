import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralRequest } from '../../http/NeutralHttp.js'

/** Translates a web `Request` into the neutral shape; `signal` aborts when the client goes away. */
export function readRequest(request: Request, signal: AbortSignal): NeutralRequest {
  // A web Request does not say which HTTP version carried it, so version-specific headers are left out.
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    signal,
    readBody: (maxBytes) => readBody(request, maxBytes),
  }
}

async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new ComfyProgressError('BODY_TOO_LARGE', undefined, { details: { limit: maxBytes } })
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge()
  if (request.body === null) return new Uint8Array()
  const reader = (request.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
