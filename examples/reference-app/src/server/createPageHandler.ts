import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Asset } from './bundleClient.js'

/** What the pages learn about the server at load (`GET /config.json`). */
export interface AppConfig {
  /** `simulator`: the built-in ComfyUI simulator; `comfyui`: a real ComfyUI at `COMFYUI_URL`. */
  readonly backend: 'simulator' | 'comfyui'
  /** The checkpoint the workflows load. */
  readonly checkpoint: string
}

const PUBLIC = new URL('../../public/', import.meta.url)
const FILES: Readonly<Record<string, readonly [file: string, contentType: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/inpaint': ['inpaint.html', 'text/html; charset=utf-8'],
  '/styles.css': ['styles.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
}
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'",
}

/**
 * Serves the pages, the style sheet and the bundled scripts from memory, plus `/config.json`.
 * Returns `false` for a path it does not know, so the caller can answer 404.
 */
export async function createPageHandler(
  assets: ReadonlyMap<string, Asset>,
  config: AppConfig,
): Promise<(req: IncomingMessage, res: ServerResponse) => boolean> {
  const files = new Map<string, Asset>()
  for (const [path, [file, contentType]] of Object.entries(FILES)) {
    files.set(path, { contentType, body: await readFile(new URL(file, PUBLIC)) })
  }
  files.set('/config.json', {
    contentType: 'application/json',
    body: new TextEncoder().encode(JSON.stringify(config)),
  })
  for (const [name, asset] of assets) files.set(`/assets/${name}`, asset)

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/(.)\/$/, '$1')
    const file = files.get(path === '/index.html' ? '/' : path === '/inpaint.html' ? '/inpaint' : path)
    if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': file.body.byteLength,
      'Cache-Control': 'no-cache',
    })
    res.end(req.method === 'HEAD' ? undefined : file.body)
    return true
  }
}
