/**
 * Arbitraries that mutate the recorded ComfyUI frames of `fixtures/comfyui/`: for text frames, JSON
 * values replaced at random paths, type swaps, deleted fields, huge numbers, unknown or reserved
 * message types, and raw-text damage (truncation, flipped characters, junk); for binary frames, flipped
 * bytes, truncation, an arbitrary event type or a lying length field.
 */
import fc from 'fast-check'
import type { Recording } from '../../../src/recording/Recording.js'
import { listRecordings, loadRecording, TEXT_MESSAGE_TYPES, wireFrames } from '../../helpers.js'

/** One recorded prompt: its frames as one client received them, and the workflow it ran. */
export interface RecordedRun {
  readonly name: string
  readonly promptId: string
  readonly workflow: Record<string, { class_type: string; inputs: Record<string, unknown> }>
  readonly frames: readonly (string | Uint8Array)[]
}

/** Every recorded prompt that ComfyUI accepted, with the frames its submitting client received. */
export function recordedRuns(): RecordedRun[] {
  const runs: RecordedRun[] = []
  for (const name of listRecordings()) {
    const recording = loadRecording(name)
    for (const submitted of submittedPrompts(recording)) {
      const frames = wireFrames(recording, { client: submitted.client, includeDroppedBinary: true })
      if (frames.length === 0) continue
      runs.push({ name, ...submitted, frames: frames.map((frame) => frame.frame) })
    }
  }
  return runs
}

function submittedPrompts(recording: Recording) {
  const clients = recording.meta.client_ids ?? []
  const out: { promptId: string; client: string; workflow: RecordedRun['workflow'] }[] = []
  for (const entry of recording.entries) {
    if (entry.ch !== 'http' || entry.method !== 'POST' || entry.path !== '/prompt') continue
    const request = entry.request as { prompt?: RecordedRun['workflow']; client_id?: string }
    const response = entry.response as { prompt_id?: string } | undefined
    if (typeof response?.prompt_id !== 'string' || request.prompt === undefined) continue
    out.push({
      promptId: response.prompt_id,
      client: request.client_id ?? clients[0] ?? '',
      workflow: request.prompt,
    })
  }
  return out
}

/** Every recorded server→client frame, text and binary, of every recording. */
export function allRecordedFrames(): (string | Uint8Array)[] {
  return listRecordings().flatMap((name) =>
    wireFrames(loadRecording(name), { includeDroppedBinary: true }).map((frame) => frame.frame),
  )
}

/** Values that break assumptions: huge and tiny numbers, empty and reserved strings, wrong containers. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    -Number.MAX_SAFE_INTEGER,
    -1,
    0,
    -0,
    0.5,
    2 ** 53,
    '',
    '__proto__',
    'constructor',
    'toString',
    null,
    true,
    [],
    {},
    '\u0000',
    '\ud800',
    'x'.repeat(5000),
  ),
  fc.double(),
  fc.integer(),
)

/** Raw JSON number tokens JSON.parse turns into Infinity, -Infinity, or a rounded value. */
const hugeNumberText = fc.constantFrom(
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '-0.0e-999',
  '1E+400',
)

type Json = unknown

/** Walks `choices` into `root` and returns the container and key reached (`null` key: the root itself). */
function pick(
  root: Json,
  choices: readonly number[],
): { parent: Record<string, Json> | Json[] | null; key: string | number | null } {
  let parent: Record<string, Json> | Json[] | null = null
  let key: string | number | null = null
  let node = root
  for (const choice of choices) {
    if (typeof node !== 'object' || node === null) break
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)
    if (keys.length === 0) break
    parent = node as Record<string, Json> | Json[]
    key = keys[choice % keys.length]!
    node = (parent as Record<string | number, Json>)[key]
  }
  return { parent, key }
}

function swapType(value: Json): Json {
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string')
    return value === '' ? 0 : Number.isNaN(Number(value)) ? [value] : Number(value)
  if (typeof value === 'boolean') return value ? 'true' : 0
  if (value === null) return {}
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, i) => [String(i), item]))
  return Object.values(value as object)
}

/** A JSON-level mutation of a parsed text frame. */
type JsonMutation =
  | { readonly op: 'replace'; readonly path: number[]; readonly value: unknown }
  | { readonly op: 'swap'; readonly path: number[] }
  | { readonly op: 'delete'; readonly path: number[] }
  | { readonly op: 'type'; readonly value: string }
  | { readonly op: 'proto'; readonly path: number[]; readonly value: unknown }

const path = fc.array(fc.nat(), { minLength: 1, maxLength: 6 })
const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), path, value: weirdValue }),
  fc.record({ op: fc.constant('swap' as const), path }),
  fc.record({ op: fc.constant('delete' as const), path }),
  fc.record({
    op: fc.constant('type' as const),
    value: fc.oneof(
      fc.constantFrom(...TEXT_MESSAGE_TYPES, '__proto__', 'constructor', 'hasOwnProperty', ''),
      fc.string(),
    ),
  }),
  fc.record({ op: fc.constant('proto' as const), path, value: weirdValue }),
)

function applyJsonMutation(root: Json, mutation: JsonMutation): Json {
  if (mutation.op === 'type') {
    if (typeof root === 'object' && root !== null && !Array.isArray(root)) {
      ;(root as Record<string, Json>).type = mutation.value
    }
    return root
  }
  const { parent, key } = pick(root, mutation.path)
  if (parent === null || key === null) {
    return mutation.op === 'replace' ? mutation.value : mutation.op === 'swap' ? swapType(root) : root
  }
  const holder = parent as Record<string | number, Json>
  switch (mutation.op) {
    case 'replace':
      holder[key] = mutation.value
      break
    case 'swap':
      holder[key] = swapType(holder[key])
      break
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1)
      else delete holder[key]
      break
    case 'proto':
      // An own `__proto__` field, as JSON.parse makes it: a classic prototype-pollution vector.
      Object.defineProperty(holder, '__proto__', {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      break
  }
  return root
}

/** A text-level mutation of the serialised frame. */
type TextMutation =
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'flip'; readonly at: number; readonly char: string }
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'huge'; readonly at: number; readonly number: string }

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat(),
    char: fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\'),
    ),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ unit: 'binary', maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('huge' as const), at: fc.nat(), number: hugeNumberText }),
)

function applyTextMutation(text: string, mutation: TextMutation): string {
  const at = text.length === 0 ? 0 : mutation.at % (text.length + 1)
  switch (mutation.op) {
    case 'truncate':
      return text.slice(0, at)
    case 'flip':
      return text.slice(0, at) + mutation.char + text.slice(at + 1)
    case 'insert':
      return text.slice(0, at) + mutation.text + text.slice(at)
    case 'huge': {
      // Replace the first number token at or after `at` (or the first one at all) with `number`.
      const pattern = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g
      pattern.lastIndex = at
      const match = pattern.exec(text) ?? /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text)
      if (match === null) return text
      return text.slice(0, match.index) + mutation.number + text.slice(match.index + match[0].length)
    }
  }
}

/** A mutation of a binary frame. */
type BinaryMutation =
  | { readonly op: 'flip'; readonly at: number; readonly xor: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'eventType'; readonly value: number }
  | { readonly op: 'length'; readonly value: number }
  | { readonly op: 'append'; readonly bytes: Uint8Array }

const binaryMutation: fc.Arbitrary<BinaryMutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat({ max: 16 }),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 16 }) }),
  fc.record({
    op: fc.constant('eventType' as const),
    value: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.nat({ max: 0xffffffff })),
  }),
  fc.record({
    op: fc.constant('length' as const),
    value: fc.oneof(fc.nat({ max: 64 }), fc.nat({ max: 0xffffffff })),
  }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 32 }) }),
)

function applyBinaryMutation(frame: Uint8Array, mutation: BinaryMutation): Uint8Array {
  const bytes = new Uint8Array(frame) // a copy: the recording stays as it was
  const view = new DataView(bytes.buffer)
  switch (mutation.op) {
    case 'flip':
      if (bytes.length > 0) bytes[mutation.at % bytes.length]! ^= mutation.xor
      return bytes
    case 'truncate':
      return bytes.slice(0, mutation.at % (bytes.length + 1))
    case 'eventType':
      if (bytes.length >= 4) view.setUint32(0, mutation.value)
      return bytes
    case 'length':
      // Type 4 (preview with metadata) carries a u32 metadata length after the event type.
      if (bytes.length >= 8) view.setUint32(4, mutation.value)
      return bytes
    case 'append': {
      const out = new Uint8Array(bytes.length + mutation.bytes.length)
      out.set(bytes)
      out.set(mutation.bytes, bytes.length)
      return out
    }
  }
}

/** How one frame is damaged. */
export type FrameMutation =
  | { readonly kind: 'json'; readonly mutations: readonly JsonMutation[] }
  | { readonly kind: 'text'; readonly mutations: readonly TextMutation[] }
  | { readonly kind: 'binary'; readonly mutations: readonly BinaryMutation[] }

/** One to three mutations of one kind, fit for text or binary frames. */
export const frameMutation: fc.Arbitrary<FrameMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      mutations: fc.array(jsonMutation, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      mutations: fc.array(textMutation, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('binary' as const),
      mutations: fc.array(binaryMutation, { minLength: 1, maxLength: 3 }),
    }),
  },
)

/** `frame` damaged by `mutation` (text frames ignore binary mutations and the other way round). */
export function mutateFrame(frame: string | Uint8Array, mutation: FrameMutation): string | Uint8Array {
  if (typeof frame !== 'string') {
    return mutation.kind === 'binary' ? mutation.mutations.reduce(applyBinaryMutation, frame) : frame
  }
  if (mutation.kind === 'text') return mutation.mutations.reduce(applyTextMutation, frame)
  if (mutation.kind === 'binary') {
    // A text frame's bytes, damaged, then sent as text again (invalid UTF-8 becomes U+FFFD on the wire).
    const bytes = mutation.mutations.reduce(applyBinaryMutation, new TextEncoder().encode(frame))
    return new TextDecoder().decode(bytes)
  }
  let parsed: Json
  try {
    parsed = JSON.parse(frame)
  } catch {
    return frame.slice(0, Math.floor(frame.length / 2)) // damaged before: damage it once more
  }
  for (const step of mutation.mutations) parsed = applyJsonMutation(parsed, step)
  return JSON.stringify(parsed) ?? 'undefined'
}
