import type { StoredTaskEvent } from '../store/TaskStore.js'
import { formatSseFields } from './formatSseEvent.js'

const encoder = new TextEncoder()

/** `event:` + `data:` lines of an entry, shared by every stream (multi-task streams add their own id). */
const bodies = new WeakMap<StoredTaskEvent, string>()
/** The complete single-task frame of an entry, as bytes, shared by every single-task stream. */
const frames = new WeakMap<StoredTaskEvent, Uint8Array>()

/**
 * The `event:` and `data:` lines of a stored task event: the event name is the payload's status and
 * the data is the payload as one line of JSON. Computed once per entry object and cached (the store and
 * the bus hand every stream the same object), so a fan-out to N streams serialises the event once.
 */
export function formatTaskEventBody(entry: StoredTaskEvent): string {
  let body = bodies.get(entry)
  if (body === undefined) {
    body = formatSseFields({ event: entry.event.status, data: JSON.stringify(entry.event) })
    bodies.set(entry, body)
  }
  return body
}

/**
 * The complete frame of a stored task event for a single-task stream, as UTF-8 bytes: its body and
 * `id: <seq>`. Cached per entry: every subscriber of the task is written the same bytes.
 */
export function encodeTaskEventFrame(entry: StoredTaskEvent): Uint8Array {
  let frame = frames.get(entry)
  if (frame === undefined) {
    frame = encoder.encode(`${formatTaskEventBody(entry)}id: ${entry.seq}\n\n`)
    frames.set(entry, frame)
  }
  return frame
}

/** The frame of a stored task event for a multi-task stream, whose id is the stream's cursor. */
export function encodeTaskEventFrameWithCursor(entry: StoredTaskEvent, cursor: string): Uint8Array {
  return encoder.encode(`${formatTaskEventBody(entry)}id: ${cursor}\n\n`)
}
