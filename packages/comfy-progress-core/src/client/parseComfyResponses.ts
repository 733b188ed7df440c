import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type {
  ComfyHistoryEntry,
  ComfyNodeErrors,
  ComfyQueue,
  ComfyQueueItem,
  ComfySubmitResult,
  ComfyUploadResult,
  ComfyValidationFailure,
} from './httpTypes.js'

/**
 * Checks of ComfyUI's HTTP answers: each returns the typed value or throws `COMFY_BAD_RESPONSE`
 * naming the route and the missing field. Only the fields the SDK relies on are checked; extra
 * fields are kept and tolerated.
 */

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function bad(route: string, problem: string, body: unknown): never {
  throw new ComfyProgressError(
    'COMFY_BAD_RESPONSE',
    `comfy-progress: ComfyUI's answer to ${route} ${problem}; is the base URL a ComfyUI server?`,
    { details: { route, body: preview(body) } },
  )
}

function preview(body: unknown): unknown {
  const text = JSON.stringify(body) ?? String(body)
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/** `POST /prompt` → 200. */
export function parseSubmitResult(body: unknown): ComfySubmitResult {
  if (!isObject(body) || typeof body.prompt_id !== 'string') bad('POST /prompt', 'has no prompt_id', body)
  const number = typeof body.number === 'number' ? body.number : Number.NaN
  const nodeErrors = isObject(body.node_errors) ? (body.node_errors as ComfyNodeErrors) : {}
  return { ...body, prompt_id: body.prompt_id, number, node_errors: nodeErrors }
}

/** `POST /prompt` → 400 body (`details.json` of the HTTP error), in any of its historical forms. */
export function parseValidationFailure(body: unknown): ComfyValidationFailure {
  if (!isObject(body)) return { error: 'ComfyUI rejected the prompt without a JSON body.', node_errors: {} }
  const error = isObject(body.error) || typeof body.error === 'string' ? body.error : 'invalid prompt'
  const nodeErrors = isObject(body.node_errors) ? body.node_errors : {}
  return { error: error as ComfyValidationFailure['error'], node_errors: nodeErrors as ComfyNodeErrors }
}

function parseQueueItem(item: unknown, body: unknown): ComfyQueueItem {
  if (!Array.isArray(item) || typeof item[0] !== 'number' || typeof item[1] !== 'string') {
    bad('GET /queue', 'has an item that is not [number, prompt_id, …]', body)
  }
  const [number, promptId, prompt, extraData, outputs] = item as unknown[]
  return {
    number: number as number,
    promptId: promptId as string,
    prompt,
    extraData: isObject(extraData) ? extraData : {},
    outputsToExecute: Array.isArray(outputs) ? outputs.map(String) : [],
  }
}

/** `GET /queue`, pending sorted by `number` (ComfyUI sends heap order). */
export function parseQueue(body: unknown): ComfyQueue {
  if (!isObject(body) || !Array.isArray(body.queue_running) || !Array.isArray(body.queue_pending)) {
    bad('GET /queue', 'lacks queue_running or queue_pending', body)
  }
  const running = body.queue_running.map((item) => parseQueueItem(item, body))
  const pending = body.queue_pending.map((item) => parseQueueItem(item, body))
  pending.sort((a, b) => a.number - b.number)
  return { running, pending }
}

function parseHistoryEntry(entry: unknown, body: unknown): ComfyHistoryEntry {
  if (!isObject(entry)) bad('GET /history', 'has an entry that is not an object', body)
  const outputs = isObject(entry.outputs) ? entry.outputs : {}
  const status = isObject(entry.status) ? entry.status : undefined
  const messages = status && Array.isArray(status.messages) ? status.messages.filter(Array.isArray) : []
  return {
    ...entry,
    prompt: entry.prompt,
    outputs: outputs as ComfyHistoryEntry['outputs'],
    ...(status
      ? {
          status: {
            ...status,
            status_str: typeof status.status_str === 'string' ? status.status_str : 'unknown',
            completed: status.completed === true,
            messages: messages as unknown as readonly (readonly [string, unknown])[],
          },
        }
      : {}),
  }
}

/** `GET /history` or `/history/{id}`: prompt id → entry (`{}` while queued, running, or unknown). */
export function parseHistory(body: unknown): Record<string, ComfyHistoryEntry> {
  if (!isObject(body)) bad('GET /history', 'is not an object', body)
  const entries: Record<string, ComfyHistoryEntry> = {}
  for (const [id, entry] of Object.entries(body)) entries[id] = parseHistoryEntry(entry, body)
  return entries
}

/** `POST /upload/image` or `/upload/mask` → 200. */
export function parseUploadResult(route: string, body: unknown): ComfyUploadResult {
  if (!isObject(body) || typeof body.name !== 'string') bad(route, 'has no name', body)
  return {
    ...body,
    name: body.name,
    subfolder: typeof body.subfolder === 'string' ? body.subfolder : '',
    type: typeof body.type === 'string' ? body.type : 'input',
  }
}

/** Any route answering a JSON object (`/system_stats`, `/object_info`, `/features`). */
export function parseObject<T>(route: string, body: unknown): T {
  if (!isObject(body)) bad(route, 'is not a JSON object', body)
  return body as T
}
