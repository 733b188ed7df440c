import type { StoredTaskEvent } from '../store/TaskStore.js'
import { formatSseFields } from './formatSseEvent.js'

/** `event:` + `data:` lines of an entry, shared by every stream (multi-task streams add their own id). */
const bodies = new WeakMap<StoredTaskEvent, string>()
/** The complete single-task frame of an entry, as bytes, shared by every single-task stream. */
const frames = new WeakMap<StoredTaskEvent, Uint8Array>()
let lastEntry: StoredTaskEvent | undefined
let lastFrame: Uint8Array = new Uint8Array()

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
 * The complete frame of a stored task event for a single-task stream, as UTF-8 bytes (a Node `Buffer`,
 * which Node's streams write without wrapping): its body and `id: <seq>`. Cached per entry: every
 * subscriber of the task is written the same bytes.
 */
export function encodeTaskEventFrame(entry: StoredTaskEvent): Uint8Array {
  // A fan-out asks for the same entry once per subscriber in a row: answer those from one slot.
  if (entry === lastEntry) return lastFrame
  let frame = frames.get(entry)
  if (frame === undefined) {
    frame = Buffer.from(`${formatTaskEventBody(entry)}id: ${entry.seq}\n\n`, 'utf8')
    frames.set(entry, frame)
  }
  lastEntry = entry
  lastFrame = frame
  return frame
}

/** The frame of a stored task event for a multi-task stream, whose id is the stream's cursor. */
export function encodeTaskEventFrameWithCursor(entry: StoredTaskEvent, cursor: string): Uint8Array {
  return Buffer.from(`${formatTaskEventBody(entry)}id: ${cursor}\n\n`, 'utf8')
}
