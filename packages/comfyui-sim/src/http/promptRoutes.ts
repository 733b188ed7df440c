import { randomUUID } from 'node:crypto'
import { pyBool, pyFloat } from '../internal/pythonConvert.js'
import { pyStr } from '../internal/pythonJson.js'
import type { ExtraData } from '../queue/PromptQueue.js'
import type { ApiPrompt } from '../validation/ApiPrompt.js'
import { validatePrompt } from '../validation/validatePrompt.js'
import { isObject, readBody, readJson, type RouteContext, sendEmpty, sendJson } from './httpUtils.js'

/**
 * `/prompt`, `/queue`, `/interrupt` and `/history`, as ComfyUI 0.3.64's `server.py` answers them.
 *
 * @module
 */

const JSON_LIMIT = 100 * 1024 * 1024

/** `POST /prompt`: validate, queue, answer `{prompt_id, number, node_errors}` (or 400). */
export async function postPrompt({ core, request, response }: RouteContext): Promise<void> {
  const body = await readJson(request, core.maxUploadSize)
  if (!isObject(body)) throw new TypeError('the body is not a JSON object')
  let number: unknown
  if ('number' in body) {
    const converted = pyFloat(body.number)
    if (!converted.ok) throw new TypeError(converted.error)
    number = converted.value
  } else {
    number =
      'front' in body && pyBool(body.front).ok && (pyBool(body.front) as { value: boolean }).value
        ? -core.queue.counter
        : core.queue.counter
    core.queue.counter++
  }
  const replayed = core.replay?.answerPrompt('prompt_id' in body ? pyStr(body.prompt_id) : randomUUID())
  if (replayed?.status === 400) return sendJson(response, 400, replayed.body)
  if (!('prompt' in body)) {
    const error = {
      type: 'no_prompt',
      message: 'No prompt provided',
      details: 'No prompt provided',
      extra_info: {},
    }
    return sendJson(response, 400, { error, node_errors: {} })
  }
  const prompt = body.prompt
  if (!isObject(prompt) || !Object.values(prompt).every(isObject))
    throw new TypeError('the prompt is not a graph')
  const promptId = replayed?.promptId ?? ('prompt_id' in body ? pyStr(body.prompt_id) : randomUUID())

  const targets = Array.isArray(body.partial_execution_targets)
    ? body.partial_execution_targets.map(String)
    : undefined
  const verdict = replayed
    ? ({ ok: true, outputs: replayed.outputs, nodeErrors: {} } as const)
    : validatePrompt(prompt as ApiPrompt, {
        objectInfo: core.objectInfo,
        customValidators: core.validators,
        partialTargets: targets,
      })
  const extraData: ExtraData = isObject(body.extra_data) ? body.extra_data : {}
  if ('client_id' in body) extraData.client_id = body.client_id as string
  if (!verdict.ok) return sendJson(response, 400, { error: verdict.error, node_errors: verdict.nodeErrors })
  sendJson(response, 200, { prompt_id: promptId, number, node_errors: verdict.nodeErrors })
  const numeric = typeof number === 'number' ? number : (number as { value: number }).value
  core.queue.put([numeric, promptId, prompt as ApiPrompt, extraData, verdict.outputs])
  core.worker.wake()
}

/** `GET /prompt`: `{exec_info: {queue_remaining}}`. */
export function getPrompt({ core, response }: RouteContext): void {
  sendJson(response, 200, { exec_info: { queue_remaining: core.queue.remaining } })
}

/** `GET /queue`: `{queue_running, queue_pending}`. */
export function getQueue({ core, response }: RouteContext): void {
  sendJson(response, 200, core.queue.snapshot())
}

/** `POST /queue`: `{clear: true}` and/or `{delete: [ids]}` on pending prompts; 200, empty body. */
export async function postQueue({ core, request, response }: RouteContext): Promise<void> {
  const body = await readJson(request, JSON_LIMIT)
  if (!isObject(body)) throw new TypeError('the body is not a JSON object')
  if ('clear' in body && body.clear) core.queue.wipe()
  if ('delete' in body) {
    if (!Array.isArray(body.delete)) throw new TypeError('delete is not a list')
    for (const id of body.delete) core.queue.deletePending(String(id))
  }
  sendEmpty(response)
}

/** `POST /interrupt`: with `{prompt_id}` only if that prompt runs; without, whatever runs. 200, empty. */
export async function postInterrupt({ core, request, response }: RouteContext): Promise<void> {
  let body: unknown
  try {
    body = JSON.parse((await readBody(request, JSON_LIMIT)).toString('utf8'))
  } catch {
    body = {}
  }
  const promptId = isObject(body) ? body.prompt_id : undefined
  if (!promptId || core.queue.current?.[1] === promptId) core.runState.interrupted = true
  core.replay?.interrupt()
  sendEmpty(response)
}

/** `GET /history` (`max_items`, `offset`) and `GET /history/{id}` (`{}` while queued, running or unknown). */
export function getHistory({ core, url, response }: RouteContext, promptId?: string): void {
  if (promptId !== undefined) {
    const entry = core.queue.historyOf(promptId)
    return sendJson(response, 200, entry ? { [promptId]: entry } : {})
  }
  const int = (name: string): number | undefined => {
    const text = url.searchParams.get(name)
    if (text === null) return undefined
    if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new TypeError(`${name} is not an integer`)
    return Number(text)
  }
  sendJson(response, 200, core.queue.listHistory(int('max_items'), int('offset') ?? -1))
}

/** `POST /history`: `{clear: true}` and/or `{delete: [ids]}`. 200, empty. */
export async function postHistory({ core, request, response }: RouteContext): Promise<void> {
  const body = await readJson(request, JSON_LIMIT)
  if (!isObject(body)) throw new TypeError('the body is not a JSON object')
  if ('clear' in body && body.clear) core.queue.clearHistory()
  if ('delete' in body) {
    if (!Array.isArray(body.delete)) throw new TypeError('delete is not a list')
    for (const id of body.delete) core.queue.deleteHistory(String(id))
  }
  sendEmpty(response)
}
