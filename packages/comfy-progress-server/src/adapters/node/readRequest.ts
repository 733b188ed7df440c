import type { IncomingMessage } from 'node:http'
import type { Http2ServerRequest } from 'node:http2'
import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralRequest } from '../../http/NeutralHttp.js'

/** A Node request in the compatibility API: `http`/`https` `IncomingMessage` or `http2` `Http2ServerRequest`. */
export type NodeRequest = IncomingMessage | Http2ServerRequest

/**
 * Translates a Node request into the neutral shape; `signal` aborts when the response closes. A body
 * that a framework already parsed (`req.body`, e.g. after `express.json()`) is passed on as is.
 */
export function readRequest(req: NodeRequest, signal: AbortSignal): NeutralRequest {
  const parsedBody = (req as { body?: unknown }).body
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()]
        if (value === undefined) return null
        return Array.isArray(value) ? value.join(', ') : value
      },
    },
    signal,
    httpVersion: req.httpVersionMajor,
    readBody: (maxBytes) => readBody(req, maxBytes),
    ...(parsedBody === undefined ? {} : { parsedBody }),
  }
}

function readBody(req: NodeRequest, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new ComfyProgressError('BODY_TOO_LARGE', undefined, { details: { limit: maxBytes } })
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.off('data', onData)
        req.resume() // discard the rest
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', reject)
  })
}
