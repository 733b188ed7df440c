import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { Recording, RecordingEntry, RecordingMeta } from './Recording.js'

/**
 * Parses a recording in the `fixtures/comfyui/` format (JSON Lines, `{meta}` first). Blank lines are
 * skipped. Throws a {@link ComfyProgressError} with code `RECORDING_INVALID` and the 1-based line number
 * in `details.line` for a line that is not JSON or not a recording entry.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * const recording = parseRecording(readFileSync('fixtures/comfyui/01-txt2img-basic.jsonl', 'utf8'))
 * recording.entries.filter((e) => e.ch === 'ws' && e.kind === 'text').length
 * ```
 */
export function parseRecording(text: string): Recording {
  if (typeof text !== 'string') {
    throw new ComfyProgressError(
      'RECORDING_INVALID',
      'comfy-progress: a recording must be given as a string.',
    )
  }
  const lines = text.split('\n')
  let meta: RecordingMeta | undefined
  const entries: RecordingEntry[] = []
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (cause) {
      throw invalid(index + 1, 'is not valid JSON', cause)
    }
    if (!isObject(value)) throw invalid(index + 1, 'is not a JSON object')
    if (meta === undefined) {
      if (!isObject(value.meta)) throw invalid(index + 1, 'must be the `{"meta": {...}}` header')
      meta = value.meta
      continue
    }
    if (value.ch === 'ws') {
      if (typeof value.kind !== 'string' || typeof value.t !== 'number') {
        throw invalid(index + 1, 'is a ws entry without `kind` or `t`')
      }
      if (value.kind === 'binary' && typeof value.event_type !== 'number') {
        throw invalid(index + 1, 'is a binary frame without `event_type`')
      }
    } else if (value.ch === 'http') {
      if (
        typeof value.method !== 'string' ||
        typeof value.path !== 'string' ||
        typeof value.status !== 'number'
      ) {
        throw invalid(index + 1, 'is an http entry without `method`, `path` or `status`')
      }
    } else {
      throw invalid(index + 1, 'has a `ch` other than "ws" or "http"')
    }
    entries.push(value as unknown as RecordingEntry)
  }
  if (meta === undefined) throw invalid(1, 'is missing: a recording starts with a `{"meta": {...}}` line')
  return { meta, entries }
}

function invalid(line: number, problem: string, cause?: unknown): ComfyProgressError {
  return new ComfyProgressError('RECORDING_INVALID', `comfy-progress: recording line ${line} ${problem}.`, {
    details: { line },
    cause,
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
