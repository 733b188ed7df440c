import type { IncomingMessage } from 'node:http'
import type { Http2ServerRequest } from 'node:http2'
import { ComfyProgressError } from '@comfy-progress/core'
import type { NeutralRequest } from '../../http/NeutralHttp.js'
import type { NodeResponse } from './createSink.js'

/** A Node request in the compatibility API: `http`/`https` `IncomingMessage` or `http2` `Http2ServerRequest`. */
export type NodeRequest = IncomingMessage | Http2ServerRequest

/**
 * Translates a Node request into the neutral shape. Its `signal`, which aborts when the response
 * closes, is made on first use only (most routes never need one, and it costs about 1 KB per
 * connection). A body that a framework already parsed (`req.body`, e.g. after `express.json()`) is
 * passed on as is. The URL is Express's `originalUrl` when there is one: a handler mounted with
 * `app.use('/api', handle)` sees `req.url` without its mount path, and the answers it builds
 * (`progressUrl`, image URLs) must keep it.
 */
export function readRequest(req: NodeRequest, res: NodeResponse): NeutralRequest {
  const parsedBody = (req as { body?: unknown }).body
  let controller: AbortController | undefined
  return {
    get signal() {
      if (controller === undefined) {
        const created = new AbortController()
        controller = created
        if (res.destroyed) created.abort()
        else res.on('close', () => created.abort())
      }
      return controller.signal
    },
    method: req.method ?? 'GET',
    url: (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/',
    headers: {
      get(name) {
        const value = req.headers[name.toLowerCase()]
        if (value === undefined) return null
        return Array.isArray(value) ? value.join(', ') : value
      },
    },
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
