import type { IncomingMessage, ServerResponse } from 'node:http'
import { toPythonJson } from '../internal/pythonJson.js'
import type { SimCore } from '../SimCore.js'

/**
 * Small helpers for answering like aiohttp does: JSON written by Python's `json.dumps` with
 * `application/json; charset=utf-8`, empty 200s without a content type, and aiohttp's plain-text
 * error pages.
 *
 * @module
 */

/** One request being handled: the simulator, the request, the response and the parsed URL. */
export interface RouteContext {
  readonly core: SimCore
  readonly request: IncomingMessage
  readonly response: ServerResponse
  readonly url: URL
}

/** A request body larger than the limit. */
export class BodyTooLarge extends Error {}

/** Reads a request body, failing with {@link BodyTooLarge} past `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Parses a JSON body; malformed JSON throws (the router answers 500, as ComfyUI does). */
export async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  return JSON.parse((await readBody(request, limit)).toString('utf8')) as unknown
}

/** Answers JSON. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(toPythonJson(value), 'utf8')
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
  })
  response.end(body)
}

/** Answers with no body and no content type (`web.Response(status=…)`). */
export function sendEmpty(response: ServerResponse, status = 200): void {
  response.writeHead(status, { 'Content-Length': 0 })
  response.end()
}

/** Answers with aiohttp's plain-text error page for `status`. */
export function sendError(response: ServerResponse, status: number): void {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    413: 'Request Entity Too Large',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  }
  const reason = reasons[status] ?? 'Error'
  const text =
    status === 500 ? '500 Internal Server Error\n\nServer got itself in trouble' : `${status}: ${reason}`
  const body = Buffer.from(text, 'utf8')
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length })
  response.end(body)
}

/** Whether a value is a JSON object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
