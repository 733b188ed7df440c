/**
 * Property tests: parseMessage never throws, and what it returns is always either a message of the
 * union whose fields have their declared types, or a ComfyProgressError with a parsing code. Inputs:
 * arbitrary strings, JSON, bytes and JS values, and real recorded frames with bit flips, truncations
 * and field deletions/replacements.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { listRecordings, loadRecording, TEXT_MESSAGE_TYPES, wireFrames } from '../../test/helpers.js'
import { ComfyProgressError } from '../errors/ComfyProgressError.js'
import { type ComfyProgressErrorCode, errorCodes } from '../errors/codes.js'
import type { ComfyMessage, ComfyMessageType } from './ComfyMessage.js'
import { parseMessage } from './parseMessage.js'
import type { ParseMessageResult } from './ParseMessageResult.js'

const RUNS = { numRuns: 400 }

const PARSE_CODES: ReadonlySet<ComfyProgressErrorCode> = new Set([
  'MESSAGE_UNSUPPORTED_INPUT',
  'MESSAGE_NOT_JSON',
  'MESSAGE_INVALID_SHAPE',
  'BINARY_FRAME_TRUNCATED',
  'BINARY_FRAME_INVALID',
])

const TEXT_TYPES = TEXT_MESSAGE_TYPES

const str = (value: unknown) => typeof value === 'string'
const num = (value: unknown) => typeof value === 'number'
const opt = (test: (value: unknown) => boolean) => (value: unknown) => value === undefined || test(value)
const orNull = (test: (value: unknown) => boolean) => (value: unknown) => value === null || test(value)
const obj = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const strings = (value: unknown) => Array.isArray(value) && value.every(str)

/**
 * Whether a message has the shape its type declares — written independently of the parser, the way a
 * consumer would read it. A `switch` over the whole union, so a new variant must be added here.
 */
function conforms(message: ComfyMessage): boolean {
  const data = 'data' in message ? (message.data as Record<string, unknown>) : {}
  switch (message.type) {
    case 'status': {
      const status = message.data.status
      const queue = status?.exec_info.queue_remaining
      return (status == null || (Number.isSafeInteger(queue) && queue! >= 0)) && opt(str)(message.data.sid)
    }
    case 'execution_start':
    case 'execution_success':
      return str(data.prompt_id) && opt(num)(data.timestamp)
    case 'execution_cached':
      return strings(data.nodes) && str(data.prompt_id) && opt(num)(data.timestamp)
    case 'executing':
      return orNull(str)(data.node) && opt(str)(data.display_node) && opt(str)(data.prompt_id)
    case 'progress':
      return (
        num(data.value) && num(data.max) && opt(orNull(str))(data.prompt_id) && opt(orNull(str))(data.node)
      )
    case 'progress_state':
      return (
        str(message.data.prompt_id) &&
        Object.values(message.data.nodes).every(
          (node) =>
            num(node.value) &&
            num(node.max) &&
            ['running', 'finished', 'pending', 'error'].includes(node.state) &&
            [node.node_id, node.prompt_id, node.display_node_id, node.real_node_id].every(str) &&
            orNull(str)(node.parent_node_id),
        )
      )
    case 'executed': {
      const output = message.data.output
      return (
        str(data.node) &&
        opt(str)(data.display_node) &&
        str(data.prompt_id) &&
        (output === null ||
          (obj(output) &&
            (output.images === undefined ||
              output.images.every(
                (image) => str(image.filename) && str(image.subfolder) && str(image.type),
              ))))
      )
    }
    case 'execution_error':
      return (
        [data.prompt_id, data.node_id, data.node_type, data.exception_message, data.exception_type].every(
          str,
        ) &&
        strings(data.executed) &&
        strings(data.traceback) &&
        opt(num)(data.timestamp)
      )
    case 'execution_interrupted':
      return [data.prompt_id, data.node_id, data.node_type].every(str) && strings(data.executed)
    case 'feature_flags':
      return (
        opt((value) => typeof value === 'boolean')(data.supports_preview_metadata) &&
        opt(num)(data.max_upload_size)
      )
    case 'unknown':
      return str(message.rawType) && !(TEXT_TYPES as readonly string[]).includes(message.rawType)
    case 'preview_image':
      return (
        (message.eventType === 1 || message.eventType === 4) &&
        ['image/jpeg', 'image/png', 'image/webp', 'image/gif'].includes(message.mimeType) &&
        message.image instanceof Uint8Array &&
        message.image.length > 0 &&
        (message.eventType === 1 ? message.metadata === null : obj(message.metadata))
      )
    case 'progress_text':
      return str(message.nodeId) && str(message.text)
    case 'unknown_binary':
      return Number.isInteger(message.eventType) && message.bytes instanceof Uint8Array
  }
}

const KNOWN_TYPES: ReadonlySet<ComfyMessageType> = new Set<ComfyMessageType>([
  ...TEXT_TYPES,
  'unknown',
  'preview_image',
  'progress_text',
  'unknown_binary',
])

/** The invariant of every result, for every input. Returns the result for further checks. */
function check(input: unknown): ParseMessageResult {
  let result: ParseMessageResult
  try {
    result = parseMessage(input as never)
  } catch (error) {
    throw new Error(`parseMessage threw ${String(error)}`, { cause: error })
  }
  if (result.ok) {
    expect(KNOWN_TYPES.has(result.message.type)).toBe(true)
    expect(conforms(result.message)).toBe(true)
  } else {
    expect(result.error).toBeInstanceOf(ComfyProgressError)
    expect(Object.hasOwn(errorCodes, result.error.code)).toBe(true)
    expect(PARSE_CODES.has(result.error.code)).toBe(true)
    expect(result.error.message.startsWith('comfy-progress: ')).toBe(true)
    if (result.error.code === 'MESSAGE_INVALID_SHAPE') {
      // The explaining pass found the same problem as the fast check, and named the field.
      expect((result.error.details as { field: string }).field).not.toMatch(/\(data\)$/)
    }
  }
  return result
}

/** For a text input that parsed to a modelled type, the message is exactly the JSON (not a copy). */
function checkText(input: string): void {
  const result = check(input)
  if (result.ok && result.message.type !== 'unknown') expect(result.message).toEqual(JSON.parse(input))
}

/** For a binary input that parsed, every returned view points into the input's memory. */
function checkBinary(input: Uint8Array): void {
  const result = check(input)
  if (!result.ok) return
  const { message } = result
  if (message.type === 'preview_image') expect(message.image.buffer).toBe(input.buffer)
  if (message.type === 'unknown_binary') expect(message.bytes.buffer).toBe(input.buffer)
}

// The recorded corpus: every distinct text frame, and every binary frame whose bytes were kept.
const recordedText = new Set<string>()
const recordedBinary: Uint8Array[] = []
for (const name of listRecordings()) {
  for (const { frame } of wireFrames(loadRecording(name))) {
    if (typeof frame === 'string') recordedText.add(frame)
    else recordedBinary.push(frame)
  }
}
const textFrame = fc.constantFrom(...recordedText)
const binaryFrame = fc.constantFrom(...recordedBinary)

/** Every path to a value inside a JSON value (excluding the root). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [[...prefix, index], ...paths(item, [...prefix, index])])
  if (obj(value)) {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...paths(item, [...prefix, key]),
    ])
  }
  return []
}

/** Deletes (or, with `replacement`, replaces) the value at `path` inside `root`, in place. */
function mutateAt(root: unknown, path: (string | number)[], replacement?: { value: unknown }): void {
  let parent = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path.at(-1)!
  if (replacement) parent[last] = replacement.value
  else if (Array.isArray(parent)) parent.splice(last as number, 1)
  else delete parent[last]
}

describe('parseMessage never throws (fast-check)', () => {
  it('arbitrary strings, including lone surrogates and control characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
        checkText,
      ),
      // Generating these strings costs more than parsing them; the JSON-shaped properties go deeper.
      { numRuns: 250 },
    )
  })

  it('arbitrary JSON values, stringified', () => {
    fc.assert(fc.property(fc.json(), checkText), RUNS)
  })

  it('{type, data} envelopes with every modelled type and arbitrary data', () => {
    const envelope = fc.record(
      { type: fc.oneof(fc.constantFrom(...TEXT_TYPES), fc.string()), data: fc.jsonValue() },
      { requiredKeys: ['type'] },
    )
    fc.assert(
      fc.property(envelope, (value) => checkText(JSON.stringify(value))),
      RUNS,
    )
  })

  it('arbitrary JS values (objects, arrays, numbers, typed arrays, …)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withTypedArray: true, withBigInt: true, withMap: true, withSet: true }),
        (value) => {
          check(value)
        },
      ),
      RUNS,
    )
  })

  it('arbitrary byte arrays, also as ArrayBuffers and offset views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.nat(7), (bytes, offset) => {
        checkBinary(bytes)
        check(bytes.slice().buffer)
        const shifted = new Uint8Array(bytes.length + offset)
        shifted.set(bytes, offset)
        checkBinary(shifted.subarray(offset))
      }),
      RUNS,
    )
  })

  it('bytes behind a real header (types 1, 3, 4 and others) with arbitrary length fields', () => {
    const header = fc.tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 0xffffffff), fc.oneof(fc.nat(80), fc.nat()))
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 96 }), ([eventType, field], rest) => {
        const bytes = new Uint8Array(8 + rest.length)
        const view = new DataView(bytes.buffer)
        view.setUint32(0, eventType)
        view.setUint32(4, field)
        bytes.set(rest, 8)
        checkBinary(bytes)
      }),
      RUNS,
    )
  })

  it('recorded text frames with one character bit-flipped', () => {
    fc.assert(
      fc.property(textFrame, fc.nat(), fc.nat(15), (frame, index, bit) => {
        const at = index % frame.length
        checkText(
          frame.slice(0, at) + String.fromCharCode(frame.charCodeAt(at) ^ (1 << bit)) + frame.slice(at + 1),
        )
      }),
      RUNS,
    )
  })

  it('recorded text frames truncated anywhere', () => {
    fc.assert(
      fc.property(textFrame, fc.nat(), (frame, cut) => checkText(frame.slice(0, cut % frame.length))),
      RUNS,
    )
  })

  it('recorded text frames with one field deleted or replaced by arbitrary JSON', () => {
    fc.assert(
      fc.property(
        textFrame,
        fc.nat(),
        fc.option(fc.jsonValue(), { nil: undefined }),
        (frame, pick, value) => {
          const root: unknown = JSON.parse(frame)
          const all = paths(root)
          if (all.length === 0) return
          mutateAt(root, all[pick % all.length]!, value === undefined ? undefined : { value })
          checkText(JSON.stringify(root))
        },
      ),
      RUNS,
    )
  })

  it('recorded binary frames with a bit flipped in their headers, metadata or first image bytes', () => {
    fc.assert(
      fc.property(binaryFrame, fc.nat(400), fc.nat(7), (frame, index, bit) => {
        const bytes = frame.slice()
        bytes[index % bytes.length]! ^= 1 << bit
        checkBinary(bytes)
      }),
      { numRuns: 300 },
    )
  })

  it('recorded binary frames truncated anywhere (as offset views, without copying)', () => {
    fc.assert(
      fc.property(binaryFrame, fc.oneof(fc.nat(300), fc.nat()), (frame, cut) => {
        checkBinary(frame.subarray(0, cut % (frame.length + 1)))
      }),
      RUNS,
    )
  })
})
