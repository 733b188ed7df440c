import type { Recording, RecordingEntry } from '@comfy-progress/core'
import { isObject } from '../http/httpUtils.js'

/**
 * Replay mode: a recording in the `fixtures/comfyui` format answers the live client's
 * `POST /prompt`s in order (a recorded 400 is answered as recorded; a recorded 200 queues the
 * prompt) and supplies, per accepted prompt, the frames the recorded client received for it, which
 * the replay executor then plays with the recorded timing.
 *
 * @module
 */

/** One frame the recorded client received for a prompt. */
export type RecordedFrame =
  | {
      readonly t: number
      readonly kind: 'text'
      readonly message: { type: string; data: Record<string, unknown> }
    }
  | {
      readonly t: number
      readonly kind: 'binary'
      readonly bytes: Buffer | undefined
      readonly header: Buffer
      readonly eventType: number
      readonly length: number
    }

/** Everything recorded about one accepted prompt. */
export interface RecordedPrompt {
  readonly promptId: string
  readonly outputs: string[]
  readonly frames: readonly RecordedFrame[]
  /** The recorded `GET /history/{id}` entry, if the recorder fetched it. */
  readonly history: Record<string, unknown> | undefined
}

/** The answer to a live `POST /prompt` in replay mode. */
export type ReplayAnswer =
  | { readonly status: 400; readonly body: unknown }
  | {
      readonly status: 200
      readonly outputs: string[]
      readonly recorded: RecordedPrompt
      readonly promptId: string
    }

/** The recorded exchanges, consumed in order. */
export class ReplaySession {
  private readonly answers: ReplayAnswer[]
  private readonly planned = new Map<string, RecordedPrompt>()

  constructor(recording: Recording) {
    this.answers = extractAnswers(recording)
  }

  /** How many recorded `POST /prompt` answers are left. */
  get remaining(): number {
    return this.answers.length
  }

  /** The next recorded answer, bound to the live prompt id; `undefined` once the recording is used up. */
  answerPrompt(livePromptId: string): ReplayAnswer | undefined {
    const answer = this.answers.shift()
    if (answer?.status !== 200) return answer
    this.planned.set(livePromptId, answer.recorded)
    return { ...answer, promptId: livePromptId }
  }

  /** The recorded prompt a live prompt replays, if any (taken once). */
  take(livePromptId: string): RecordedPrompt | undefined {
    const recorded = this.planned.get(livePromptId)
    this.planned.delete(livePromptId)
    return recorded
  }

  /** Interrupts are handled by the executor through the shared run state. */
  interrupt(): void {}
}

function extractAnswers(recording: Recording): ReplayAnswer[] {
  const entries = recording.entries
  const answers: ReplayAnswer[] = []
  for (const entry of entries) {
    if (entry.ch !== 'http' || entry.method !== 'POST' || entry.path !== '/prompt') continue
    if (entry.status !== 200) {
      answers.push({ status: 400, body: entry.response })
      continue
    }
    const response = isObject(entry.response) ? entry.response : {}
    const promptId = String(response.prompt_id)
    const request = isObject(entry.request) ? entry.request : {}
    const history = findHistory(entries, promptId)
    const historyItem = Array.isArray(history?.prompt) ? (history.prompt as unknown[]) : undefined
    const outputs = Array.isArray(historyItem?.[4]) ? (historyItem[4] as unknown[]).map(String) : []
    const frames = extractFrames(
      entries,
      promptId,
      typeof request.client_id === 'string' ? request.client_id : undefined,
    )
    answers.push({ status: 200, outputs, recorded: { promptId, outputs, frames, history }, promptId })
  }
  return answers
}

function findHistory(
  entries: readonly RecordingEntry[],
  promptId: string,
): Record<string, unknown> | undefined {
  for (const entry of entries) {
    if (entry.ch !== 'http' || entry.method !== 'GET' || entry.path !== `/history/${promptId}`) continue
    const body = entry.response
    if (isObject(body) && isObject(body[promptId])) return body[promptId]
  }
  return undefined
}

function extractFrames(
  entries: readonly RecordingEntry[],
  promptId: string,
  submitter: string | undefined,
): RecordedFrame[] {
  const forPrompt = (entry: RecordingEntry): boolean =>
    entry.ch === 'ws' &&
    entry.kind === 'text' &&
    isObject(entry.data) &&
    isObject(entry.data.data) &&
    entry.data.data.prompt_id === promptId
  const seen = entries.find(forPrompt)
  const client = submitter ?? (seen?.ch === 'ws' ? seen.client : undefined)
  if (client === undefined) return []
  const own = entries.filter((e) => e.ch === 'ws' && e.client === client)
  const first = own.findIndex(forPrompt)
  let last = own.length - 1
  while (last >= 0 && !forPrompt(own[last]!)) last--
  if (first < 0) return []
  const frames: RecordedFrame[] = []
  for (const entry of own.slice(first, last + 1)) {
    if (entry.ch !== 'ws') continue
    if (entry.kind === 'text' && forPrompt(entry)) {
      frames.push({
        t: entry.t,
        kind: 'text',
        message: entry.data as { type: string; data: Record<string, unknown> },
      })
    } else if (entry.kind === 'binary') {
      frames.push({
        t: entry.t,
        kind: 'binary',
        bytes: entry.b64 === undefined ? undefined : Buffer.from(entry.b64, 'base64'),
        header: Buffer.from(entry.head_hex, 'hex'),
        eventType: entry.event_type,
        length: entry.bytes,
      })
    }
  }
  return frames
}
