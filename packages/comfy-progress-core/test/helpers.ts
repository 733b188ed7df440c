/**
 * The one way core's tests read the recorded ComfyUI traffic in `fixtures/comfyui/`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseRecording } from '../src/recording/parseRecording.js'
import type { Recording, RecordingWsBinary, RecordingWsText } from '../src/recording/Recording.js'

/** Absolute path of the repository's `fixtures/comfyui/` folder. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/comfyui/', import.meta.url))

/** File names of every recording (`*.jsonl`), in order. */
export function listRecordings(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
}

const cache = new Map<string, Recording>()

/** Loads and parses one recording by file name, e.g. `'01-txt2img-basic.jsonl'` (cached). */
export function loadRecording(name: string): Recording {
  let recording = cache.get(name)
  if (!recording) {
    recording = parseRecording(readFileSync(FIXTURES_DIR + name, 'utf8'))
    cache.set(name, recording)
  }
  return recording
}

/** Loads a submitted workflow from `fixtures/comfyui/workflows/`, e.g. `'txt2img-basic.json'`. */
export function loadWorkflow(
  name: string,
): Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } }> {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}workflows/${name}`, 'utf8')) as ReturnType<
    typeof loadWorkflow
  >
}

/** The full `GET /object_info` answer recorded from the server. */
export function loadObjectInfo(): Record<string, { display_name?: string; [key: string]: unknown }> {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}object_info.json`, 'utf8')) as ReturnType<
    typeof loadObjectInfo
  >
}

/** A frame as it came off the socket: text as the exact JSON string, binary as bytes (when recorded). */
export interface WireFrame {
  readonly t: number
  readonly client: string
  readonly conn: number
  readonly frame: string | Uint8Array
  readonly entry: RecordingWsText | RecordingWsBinary
}

/**
 * The server→client frames of a recording, re-serialised as they were on the wire. Binary frames whose
 * bytes were not kept (`b64_dropped`) are skipped unless `includeDroppedBinary` is set, in which case
 * they are rebuilt from `head_hex` followed by zero bytes up to their recorded length.
 */
export function wireFrames(
  recording: Recording,
  options: { client?: string; includeDroppedBinary?: boolean } = {},
): WireFrame[] {
  const frames: WireFrame[] = []
  for (const entry of recording.entries) {
    if (entry.ch !== 'ws') continue
    if (options.client !== undefined && entry.client !== options.client) continue
    if (entry.kind === 'text') {
      frames.push({
        t: entry.t,
        client: entry.client,
        conn: entry.conn,
        frame: JSON.stringify(entry.data),
        entry,
      })
    } else if (entry.kind === 'binary') {
      let bytes: Uint8Array | undefined
      if (entry.b64 !== undefined) bytes = new Uint8Array(Buffer.from(entry.b64, 'base64'))
      else if (options.includeDroppedBinary) {
        bytes = new Uint8Array(entry.bytes)
        bytes.set(Buffer.from(entry.head_hex, 'hex'))
      }
      if (bytes) frames.push({ t: entry.t, client: entry.client, conn: entry.conn, frame: bytes, entry })
    }
  }
  return frames
}

/** The text message types ComfyUI sends that the parser knows (`unknown` covers any other). */
export const TEXT_MESSAGE_TYPES = [
  'status',
  'execution_start',
  'execution_cached',
  'executing',
  'progress',
  'progress_state',
  'executed',
  'execution_success',
  'execution_error',
  'execution_interrupted',
  'feature_flags',
] as const
