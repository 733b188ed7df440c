import { randomUUID } from 'node:crypto'
import { ComfyProgressError, parseRecording, type Recording } from '@comfy-progress/core'
import { WebSocket } from 'ws'
import type { ApiPrompt } from '../validation/ApiPrompt.js'
import { RecordingWriter } from './RecordingWriter.js'

/**
 * The recorder: runs workflows on a live ComfyUI (or a simulator) the way the fixtures were made —
 * open `/ws?clientId=…` first and wait for its `status`, `POST /prompt` each workflow, record every
 * frame until each accepted prompt's `executing {node: null}` plus a short settle time, then record
 * `GET /history/{id}` and `GET /queue` — and returns the run in the `fixtures/comfyui` format, ready
 * for `createComfyUiSim({ recording })`.
 *
 * @module
 */

/** Options of {@link recordComfyUiRun}. */
export interface RecordOptions {
  /** ComfyUI's base URL, e.g. `http://127.0.0.1:8188`. */
  readonly target: string
  /** The API-format workflows to submit, in order (a name makes `meta.workflows` readable). */
  readonly workflows: readonly (ApiPrompt | { readonly name: string; readonly prompt: ApiPrompt })[]
  /** The client id of the recording socket. @default a random 32-hex id */
  readonly clientId?: string
  /**
   * Sent as the first frame (`feature_flags`), as the current frontend does; omit to record what a
   * client without the handshake receives (type-1 previews).
   * @default undefined (no handshake)
   */
  readonly featureFlags?: Readonly<Record<string, unknown>>
  /** `meta.scenario`. @default 'recorded-run' */
  readonly scenario?: string
  /** `meta.description`. @default '' */
  readonly description?: string
  /** How long to wait for every prompt to finish. @default 600000 (10 minutes) */
  readonly timeoutMs?: number
  /** How long to keep listening after the last prompt's end. @default 300 */
  readonly settleMs?: number
  /** How many binary frames keep their bytes in base64 (the fixtures keep 5). @default 5 */
  readonly keepBinaryFrames?: number
}

/** The frozen defaults of {@link RecordOptions}. */
export const recordDefaults = Object.freeze({
  timeoutMs: 600_000,
  settleMs: 300,
  keepBinaryFrames: 5,
  scenario: 'recorded-run',
})

/** A finished recording: the JSON Lines text (write it to a `.jsonl` file) and its parsed form. */
export interface RecordedRun {
  readonly text: string
  readonly recording: Recording
}

/**
 * Records a run. Rejects with `SIM_RECORD_FAILED` (`details.stage`: `connect`, `submit` or `wait`)
 * when the target cannot be reached or a prompt does not finish in time; a workflow the target
 * rejects (400) is recorded as such, not an error.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises'
 * import { recordComfyUiRun } from '@comfy-progress/comfyui-sim'
 *
 * const run = await recordComfyUiRun({ target: 'http://127.0.0.1:8188', workflows: [{ name: 'txt2img', prompt }] })
 * await writeFile('txt2img.jsonl', run.text)
 * // later, in a test: await createComfyUiSim({ recording: 'txt2img.jsonl' })
 * ```
 */
export async function recordComfyUiRun(options: RecordOptions): Promise<RecordedRun> {
  const target = options.target.replace(/\/+$/, '')
  const clientId = options.clientId ?? randomUUID().replaceAll('-', '')
  const writer = new RecordingWriter(options.keepBinaryFrames ?? recordDefaults.keepBinaryFrames)
  const now = (): number => writer.now()
  const failed = (stage: string, message: string, cause?: unknown): ComfyProgressError =>
    new ComfyProgressError('SIM_RECORD_FAILED', `comfy-progress: recording failed (${stage}): ${message}`, {
      details: { stage },
      cause,
    })

  const stats = await request(target, { method: 'GET', path: '/system_stats', now }).catch(
    (cause: unknown) => {
      throw failed('connect', `${target} is not reachable`, cause)
    },
  )
  const url = `/ws?clientId=${clientId}`
  const socket = new WebSocket(`${target.replace(/^http/, 'ws')}${url}`)
  const ended = new Set<string>()
  let wake: () => void = () => undefined
  socket.on('message', (data: Buffer, isBinary) => {
    writer.frame(clientId, data, isBinary)
    if (!isBinary) {
      const last = writer.textFrames().at(-1)
      if (last?.type === 'executing' && last.data?.node === null) ended.add(String(last.data.prompt_id))
      wake()
    }
  })
  socket.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      writer.annotate(clientId, 'open', { url })
      if (options.featureFlags) {
        const frame = { type: 'feature_flags', data: options.featureFlags }
        writer.annotate(clientId, 'sent', { data: frame })
        socket.send(JSON.stringify(frame))
      }
    })
    socket.once('message', () => resolve())
    socket.once('error', (cause) => reject(failed('connect', `cannot open ${url}`, cause)))
  })

  const names: string[] = []
  const accepted: string[] = []
  try {
    for (const [index, workflow] of options.workflows.entries()) {
      const named = 'prompt' in workflow && typeof workflow.name === 'string'
      const prompt = named ? (workflow as { prompt: ApiPrompt }).prompt : (workflow as ApiPrompt)
      names.push(named ? (workflow as { name: string }).name : `workflow-${index + 1}`)
      const body = { prompt, client_id: clientId }
      const exchange = await request(target, { method: 'POST', path: '/prompt', body, now }).catch(
        (cause: unknown) => {
          throw failed('submit', 'POST /prompt failed', cause)
        },
      )
      writer.http(exchange)
      const promptId = (exchange.response as { prompt_id?: unknown } | undefined)?.prompt_id
      if (exchange.status === 200 && typeof promptId === 'string') accepted.push(promptId)
    }
    const deadline = Date.now() + (options.timeoutMs ?? recordDefaults.timeoutMs)
    while (!accepted.every((id) => ended.has(id))) {
      const left = deadline - Date.now()
      if (left <= 0)
        throw failed(
          'wait',
          `prompts ${accepted.filter((id) => !ended.has(id)).join(', ')} did not finish in time`,
        )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000))
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? recordDefaults.settleMs))
  } finally {
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    socket.close()
    const code = await closed
    writer.annotate(clientId, 'closed', { close_code: code })
  }

  for (const id of accepted)
    writer.http(await request(target, { method: 'GET', path: `/history/${id}`, now }))
  writer.http(await request(target, { method: 'GET', path: '/queue', now }))
  const outcome = Object.fromEntries(
    accepted.map((id) => {
      const terminal = writer
        .textFrames()
        .find(
          (f) =>
            ['execution_success', 'execution_error', 'execution_interrupted'].includes(String(f.type)) &&
            f.data?.prompt_id === id,
        )
      return [id, { terminal: terminal ? String(terminal.type) : null, executing_null_seen: ended.has(id) }]
    }),
  )
  const text = writer.serialize({
    comfyui_version: (stats.response as { system?: { comfyui_version?: string } } | undefined)?.system
      ?.comfyui_version,
    scenario: options.scenario ?? recordDefaults.scenario,
    description: options.description ?? '',
    recorder: '@comfy-progress/comfyui-sim',
    recorded_at: new Date().toISOString(),
    target,
    workflows: names,
    client_ids: [clientId],
    prompt_ids: accepted,
    outcome,
  })
  return { text, recording: parseRecording(text) }
}

type Exchange = Omit<Extract<Recording['entries'][number], { ch: 'http' }>, 't'>

async function request(
  target: string,
  spec: { method: string; path: string; body?: unknown; now: () => number },
): Promise<Exchange> {
  const started = spec.now()
  const response = await fetch(`${target}${spec.path}`, {
    method: spec.method,
    ...(spec.body === undefined
      ? {}
      : { body: JSON.stringify(spec.body), headers: { 'content-type': 'application/json' } }),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text === '' ? '' : JSON.parse(text)
  } catch {
    // Not JSON: recorded as text.
  }
  return {
    t_req: started,
    ch: 'http',
    method: spec.method,
    path: spec.path,
    request: spec.body ?? null,
    status: response.status,
    content_type: response.headers.get('content-type'),
    response: body,
  }
}
