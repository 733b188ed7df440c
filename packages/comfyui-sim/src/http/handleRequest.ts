import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { SimCore } from '../SimCore.js'
import { getView, postUpload } from './fileRoutes.js'
import { BodyTooLarge, type RouteContext, sendEmpty, sendError, sendJson } from './httpUtils.js'
import { getFeatures, getModels, getObjectInfo, getSystemStats } from './infoRoutes.js'
import {
  getHistory,
  getPrompt,
  getQueue,
  postHistory,
  postInterrupt,
  postPrompt,
  postQueue,
} from './promptRoutes.js'

/**
 * The router: every route under `/` and `/api`, ComfyUI's origin check (403 for a loopback Host
 * with a different Origin, unless `corsHeader` is set), armed HTTP faults, 413 for oversized
 * bodies and 500 for anything that makes the real server raise (malformed JSON, bad fields).
 *
 * @module
 */

type Route = (context: RouteContext) => void | Promise<void>

const ROUTES: Readonly<Record<string, Route>> = {
  'GET /prompt': getPrompt,
  'POST /prompt': postPrompt,
  'GET /queue': getQueue,
  'POST /queue': postQueue,
  'POST /interrupt': postInterrupt,
  'GET /history': (context) => getHistory(context),
  'POST /history': postHistory,
  'POST /upload/image': (context) => postUpload(context, 'image'),
  'POST /upload/mask': (context) => postUpload(context, 'mask'),
  'GET /view': getView,
  'GET /object_info': (context) => getObjectInfo(context),
  'GET /system_stats': getSystemStats,
  'GET /features': getFeatures,
  'GET /embeddings': ({ response }) => sendJson(response, 200, []),
  'GET /extensions': ({ response }) => sendJson(response, 200, []),
  'GET /models': (context) => getModels(context),
  'POST /free': ({ response }) => sendEmpty(response),
}

/** Routes with a path parameter: `GET /history/{id}`, `/object_info/{class}`, `/models/{folder}`. */
const PREFIXED: readonly (readonly [
  prefix: string,
  handler: (context: RouteContext, rest: string) => void,
])[] = [
  ['GET /history/', getHistory],
  ['GET /object_info/', getObjectInfo],
  ['GET /models/', getModels],
]

/** Handles one HTTP request. Never rejects. */
export async function handleRequest(
  core: SimCore,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', 'http://comfyui-sim')
    const method = request.method ?? 'GET'
    if (core.corsHeader !== undefined) {
      response.setHeader('Access-Control-Allow-Origin', core.corsHeader)
      response.setHeader('Access-Control-Allow-Methods', 'POST, GET, DELETE, PUT, OPTIONS, PATCH')
      response.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization')
      response.setHeader('Access-Control-Allow-Credentials', 'true')
    } else if (!originAllowed(request)) return sendEmpty(response, 403)
    if (method === 'OPTIONS') return sendEmpty(response)
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/')
    const path = isApi ? url.pathname.slice(4) || '/' : url.pathname
    const failure = core.faults.takeHttpFailure(method, path)
    if (failure !== undefined) return sendError(response, failure)
    if (!isApi && path === '/' && method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': 0 })
      return void response.end()
    }
    const context: RouteContext = { core, request, response, url }
    const route = ROUTES[`${method} ${path}`]
    if (route) return await route(context)
    const key = `${method} ${path}`
    for (const [prefix, handler] of PREFIXED) {
      if (key.startsWith(prefix) && key.length > prefix.length) {
        return handler(context, decodeURIComponent(key.slice(prefix.length)))
      }
    }
    const known = Object.keys(ROUTES).some((route) => route.endsWith(` ${path}`))
    sendError(response, known ? 405 : 404)
  } catch (error) {
    if (response.headersSent) return void response.destroy()
    sendError(response, error instanceof BodyTooLarge ? 413 : 500)
  }
}

/** An upgrade request as Node's `upgrade` event gives it. */
export interface UpgradeRequest {
  readonly request: IncomingMessage
  readonly socket: Duplex
  readonly head: Buffer
}

/** Handles an upgrade request: `/ws` and `/api/ws` go to the hub, anything else is refused. */
export function handleUpgrade(core: SimCore, { request, socket, head }: UpgradeRequest): void {
  const path = new URL(request.url ?? '/', 'http://comfyui-sim').pathname
  if (path !== '/ws' && path !== '/api/ws') {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    return
  }
  if (core.corsHeader === undefined && !originAllowed(request)) {
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    return
  }
  core.hub.accept({ request, socket, head })
}

/** ComfyUI's `origin_only_middleware`: a loopback Host must match the Origin's host. */
function originAllowed(request: IncomingMessage): boolean {
  const host = request.headers.host?.toLowerCase()
  const origin = request.headers.origin
  if (!host || !origin) return true
  let originHost: string
  try {
    originHost = new URL(origin).host.toLowerCase()
  } catch {
    return true
  }
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  const loopback = hostname === 'localhost' || hostname === '::1' || /^127\./.test(hostname)
  return !loopback || originHost === '' || originHost === host
}
