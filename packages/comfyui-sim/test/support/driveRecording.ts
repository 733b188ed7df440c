/**
 * Drives a simulator the way a recording's client drove the real ComfyUI: opens the same sockets
 * (with the same first frame), sends the same HTTP requests with the same bodies, and waits before
 * each request until every live client has received as many frames as the recorded client had at
 * that moment. Returns what the live clients received and what the HTTP requests answered, with
 * the recorded prompt ids mapped to the live ones.
 */
import {
  type Recording,
  type RecordingHttp,
  type RecordingWsBinary,
  type RecordingWsText,
} from '@comfy-progress/core'
import { encodePng } from '../../src/images/encodePng.js'
import { connect, type Frame, type TestClient } from '../helpers.js'

/** The outcome of one driven recording. */
export interface DrivenRecording {
  /** Live frames per recorded client id. */
  readonly frames: Map<string, Frame[]>
  /** Recorded prompt id → live prompt id. */
  readonly promptIds: Map<string, string>
  /** Each HTTP exchange: the recorded one and the live answer. */
  readonly exchanges: { recorded: RecordingHttp; status: number; body: unknown; bytes: Buffer }[]
}

/** Recorded server frames (text and binary) of one client. */
export function recordedFrames(
  recording: Recording,
  client: string,
): (RecordingWsText | RecordingWsBinary)[] {
  return recording.entries.filter(
    (e): e is RecordingWsText | RecordingWsBinary =>
      e.ch === 'ws' && e.client === client && (e.kind === 'text' || e.kind === 'binary'),
  )
}

/** Replays a recording's client actions against `sim`. Rejects if the sim falls behind for `timeoutMs`. */
export async function driveRecording(
  sim: { url: string; wsUrl: string },
  recording: Recording,
  options: { timeoutMs?: number } = {},
): Promise<DrivenRecording> {
  const clients = new Map<string, TestClient>()
  const promptIds = new Map<string, string>()
  const exchanges: DrivenRecording['exchanges'] = []
  let lastView: Buffer | undefined
  const waitUntil = async (t: number): Promise<void> => {
    for (const [id, client] of clients) {
      const expected = recordedFrames(recording, id).filter((e) => e.t <= t).length
      await waitForCount(client, expected, options.timeoutMs ?? 5_000, id)
    }
  }
  const entries = recording.entries
  for (const [index, entry] of entries.entries()) {
    if (entry.ch === 'ws' && entry.kind === 'open') {
      const next = entries[index + 1]
      const sent =
        next?.ch === 'ws' && next.kind === 'sent' && next.client === entry.client ? next.data : undefined
      const flags = (sent as { type?: string; data?: Record<string, unknown> } | undefined)?.data
      clients.set(
        entry.client,
        await connect(sim, { clientId: entry.client, ...(flags ? { featureFlags: flags } : {}) }),
      )
    } else if (entry.ch === 'ws' && entry.kind === 'closed') {
      await waitUntil(entry.t)
      await clients.get(entry.client)?.close()
    } else if (entry.ch === 'http') {
      await waitUntil(entry.t_req)
      const live = await send(sim.url, entry, { promptIds, lastView })
      if (entry.path === '/view') lastView = live.bytes
      if (entry.path === '/prompt' && entry.method === 'POST' && live.status === 200) {
        const recordedId = (entry.response as { prompt_id: string }).prompt_id
        promptIds.set(recordedId, (live.body as { prompt_id: string }).prompt_id)
      }
      exchanges.push({ recorded: entry, ...live })
    }
  }
  const frames = new Map<string, Frame[]>()
  for (const [id, client] of clients) frames.set(id, client.frames)
  return { frames, promptIds, exchanges }
}

async function waitForCount(client: TestClient, count: number, timeoutMs: number, id: string): Promise<void> {
  if (client.frames.length >= count) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`client ${id} received ${client.frames.length} frames, the recording has ${count}`)),
      timeoutMs,
    )
  })
  try {
    await Promise.race([client.waitFor(() => true, count - 1), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function send(
  base: string,
  entry: RecordingHttp,
  context: { promptIds: Map<string, string>; lastView: Buffer | undefined },
): Promise<{ status: number; body: unknown; bytes: Buffer }> {
  const path = entry.path.replace(
    /^\/history\/(.+)$/,
    (_, id: string) => `/history/${context.promptIds.get(id) ?? id}`,
  )
  const query = entry.query ? `?${new URLSearchParams(entry.query as Record<string, string>).toString()}` : ''
  const init: RequestInit = { method: entry.method }
  const request = entry.request as Record<string, unknown> | null
  if (request && typeof request === 'object' && 'multipart' in request) {
    init.body = multipart(request.multipart as Record<string, unknown>, context.lastView)
  } else if (entry.method === 'POST') {
    init.body = JSON.stringify(mapIds(request ?? {}, context.promptIds))
  }
  const response = await fetch(`${base}${path}${query}`, init)
  const bytes = Buffer.from(await response.arrayBuffer())
  const text = bytes.toString('utf8')
  const json = response.headers.get('content-type')?.startsWith('application/json')
    ? (JSON.parse(text) as unknown)
    : text
  return { status: response.status, body: json, bytes }
}

function multipart(parts: Record<string, unknown>, lastView: Buffer | undefined): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value === 'string') {
      form.append(name, value)
      continue
    }
    const file = value as { filename: string; content_type: string; bytes: number }
    form.append(name, new Blob([fileContent(file, lastView)], { type: file.content_type }), file.filename)
  }
  return form
}

/** Stand-ins for the recorded uploads, whose bytes the recordings do not keep. */
function fileContent(file: { filename: string; bytes: number }, lastView: Buffer | undefined): Buffer {
  if (file.filename === 'txt2img-basic-source.png' && lastView) return lastView
  if (file.filename.endsWith('.png') && !file.filename.startsWith('not-an-image')) {
    return encodePng({
      width: 512,
      height: 512,
      pixel: (x, y) => (x > 128 && x < 384 && y > 128 && y < 384 ? [255, 0, 0] : [0, 0, 0]),
    })
  }
  return Buffer.from('this is a text file, not an image; PIL cannot identify it!!!\n'.slice(0, file.bytes))
}

function mapIds(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value
  if (Array.isArray(value)) return value.map((v) => mapIds(v, ids))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'prompt' ? v : mapIds(v, ids)]))
  }
  return value
}
