/**
 * The one way the simulator's tests read the recorded ComfyUI traffic in `fixtures/comfyui/`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Recording, type RecordingHttp, parseRecording } from '@comfy-progress/core'
import type { ApiPrompt } from '../src/validation/ApiPrompt.js'
import type { ObjectInfo } from '../src/validation/ObjectInfo.js'

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
export function loadWorkflow(name: string): ApiPrompt {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}workflows/${name}`, 'utf8')) as ApiPrompt
}

/** The full `GET /object_info` answer recorded from the server. */
export function loadFullObjectInfo(): ObjectInfo {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}object_info.json`, 'utf8')) as ObjectInfo
}

/** The HTTP exchanges of a recording, optionally only those for one method and path. */
export function httpExchanges(recording: Recording, method?: string, path?: string): RecordingHttp[] {
  return recording.entries.filter(
    (e): e is RecordingHttp =>
      e.ch === 'http' &&
      (method === undefined || e.method === method) &&
      (path === undefined || e.path === path),
  )
}
