import { ComfyProgressError, type TaskEvent } from '@comfy-progress/core'
import type { StoredTaskEvent, TaskMetadata, TaskRecord } from '../../store/TaskStore.js'

/** Metadata fields live in the task hash as `meta:<name>` → JSON, so a patch is a plain `HSET`. */
const META = 'meta:'

/**
 * The task hash fields of `metadata`, as flat `[field, value, …]` pairs. Fields set to `undefined` are
 * left out (as a spread would ignore them on read).
 */
export function encodeMetadata(metadata: TaskMetadata | undefined): string[] {
  const pairs: string[] = []
  if (metadata === undefined) return pairs
  for (const [name, value] of Object.entries(metadata)) {
    if (value !== undefined) pairs.push(META + name, JSON.stringify(value))
  }
  return pairs
}

/**
 * A {@link TaskRecord} from the task hash (an object, or the flat array a script answers). Rejects
 * with `REDIS_DATA_INVALID` if the hash was not written by the store.
 */
export function decodeTaskRecord(
  taskId: string,
  hash: Readonly<Record<string, string>> | readonly string[],
  key: string,
): TaskRecord {
  const fields: Readonly<Record<string, string>> = isPairList(hash) ? pairsToObject(hash) : hash
  const createdAt = Number(fields.createdAt)
  const seq = Number(fields.seq)
  if (!Number.isSafeInteger(createdAt) || !Number.isSafeInteger(seq)) throw invalid(key)
  const metadata: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith(META)) metadata[field.slice(META.length)] = parse(value, key)
  }
  const latest =
    fields.latest === undefined ? null : storedEvent(taskId, seq, parse(fields.latest, key) as TaskEvent)
  return Object.freeze({
    taskId,
    metadata: Object.freeze(metadata),
    createdAt,
    latest,
    finishedAt: optionalNumber(fields.finishedAt),
    expiresAt: optionalNumber(fields.expiresAt),
  })
}

/**
 * Log entries from `XRANGE` answers (each `[id, ['e', json]]`, id `<seq>-0`), merged by sequence
 * number without duplicates, oldest first. Several answers are merged (the log and the marks).
 */
export function decodeLogEntries(
  taskId: string,
  ranges: readonly (readonly (readonly [string, readonly string[]])[])[],
  key: string,
): StoredTaskEvent[] {
  const bySeq = new Map<number, StoredTaskEvent>()
  for (const range of ranges) {
    for (const [id, fields] of range) {
      const seq = Number.parseInt(id, 10)
      const json = fields[1]
      if (!Number.isSafeInteger(seq) || fields[0] !== 'e' || json === undefined) throw invalid(key)
      if (!bySeq.has(seq)) bySeq.set(seq, storedEvent(taskId, seq, parse(json, key) as TaskEvent))
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

/** A frozen log entry, the shape the memory store hands out. */
export function storedEvent(taskId: string, seq: number, event: TaskEvent): StoredTaskEvent {
  return Object.freeze({ taskId, seq, event })
}

function isPairList(value: unknown): value is readonly string[] {
  return Array.isArray(value)
}

function pairsToObject(pairs: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!] = pairs[i + 1]!
  return fields
}

function optionalNumber(value: string | undefined): number | null {
  return value === undefined ? null : Number(value)
}

function parse(json: string, key: string): unknown {
  try {
    return JSON.parse(json) as unknown
  } catch (error) {
    throw invalid(key, error)
  }
}

function invalid(key: string, cause?: unknown): ComfyProgressError {
  return new ComfyProgressError('REDIS_DATA_INVALID', undefined, { details: { key }, cause })
}
