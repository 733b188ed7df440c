import { describe, expect, it } from 'vitest'
import { loadRecording, wireFrames } from '../../test/helpers.js'
import { isComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyProgressErrorCode } from '../errors/codes.js'
import type { ComfyMessage, ComfyPreviewImageMessage } from './ComfyMessage.js'
import { parseMessage } from './parseMessage.js'
import type { ParseMessageResult } from './ParseMessageResult.js'

function expectOk(result: ParseMessageResult): ComfyMessage {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.message
}

function expectPreview(result: ParseMessageResult): ComfyPreviewImageMessage {
  const message = expectOk(result)
  if (message.type !== 'preview_image') throw new Error(`expected preview_image, got ${message.type}`)
  return message
}

function expectCode(result: ParseMessageResult, code: ComfyProgressErrorCode): Record<string, unknown> {
  if (result.ok) throw new Error(`expected ${code}, got a ${result.message.type} message`)
  expect(isComfyProgressError(result.error, code)).toBe(true)
  return result.error.details as Record<string, unknown>
}

const utf8 = new TextEncoder()

function u32(value: number): Uint8Array {
  return new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff])
}

/** A binary frame: the 4-byte event type, then `parts` (strings as UTF-8). */
function frame(eventType: number, ...parts: (Uint8Array | string)[]): Uint8Array {
  const chunks = [
    u32(eventType),
    ...parts.map((part) => (typeof part === 'string' ? utf8.encode(part) : part)),
  ]
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return bytes
}

/** A type-4 frame around `metadata` (a JSON string, or raw bytes) and `image`. */
function withMetadata(metadata: string | Uint8Array, image: Uint8Array): Uint8Array {
  const json = typeof metadata === 'string' ? utf8.encode(metadata) : metadata
  return frame(4, u32(json.length), json, image)
}

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46])
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
])
const WEBP = utf8.encode('RIFF\u0024\u0000\u0000\u0000WEBPVP8 ')
const GIF = utf8.encode('GIF89a\u0001\u0000')

/** The recorded binary frames whose bytes were kept, with the recorder's own event type. */
function recordedBinary(name: string): { bytes: Uint8Array; eventType: number; length: number }[] {
  return wireFrames(loadRecording(name)).flatMap(({ frame: bytes, entry }) =>
    entry.kind === 'binary' && typeof bytes !== 'string'
      ? [{ bytes, eventType: entry.event_type, length: entry.bytes }]
      : [],
  )
}

describe('binary frames recorded from ComfyUI 0.3.64', () => {
  const type1Recordings = [
    '01-txt2img-basic.jsonl',
    '03-txt2img-new-seed.jsonl',
    '06-interrupt.jsonl',
    '07-queue-three.jsonl',
    '08-cancel-pending.jsonl',
    '09-inpaint.jsonl',
    '10-two-clients.jsonl',
    '14-no-client-id.jsonl',
  ]

  it.each(type1Recordings)(
    '%s: type-1 previews are image/jpeg, zero-copy views starting FF D8 FF',
    (name) => {
      const frames = recordedBinary(name)
      expect(frames).toHaveLength(5)
      for (const { bytes, eventType, length } of frames) {
        expect(eventType).toBe(1)
        expect(bytes.length).toBe(length)
        const preview = expectPreview(parseMessage(bytes))
        expect(preview.eventType).toBe(1)
        expect(preview.mimeType).toBe('image/jpeg')
        expect(preview.metadata).toBe(null)
        expect([...preview.image.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
        // Zero-copy: the image is the frame's own memory, after the 8-byte header.
        expect(preview.image.buffer).toBe(bytes.buffer)
        expect(preview.image.byteOffset).toBe(bytes.byteOffset + 8)
        expect(preview.image.length).toBe(length - 8)
      }
    },
  )

  it('13-preview-metadata: type-4 previews carry the prompt and node ids of the run, and a JPEG', () => {
    const recording = loadRecording('13-preview-metadata.jsonl')
    const promptId = recording.meta.prompt_ids?.[0]
    expect(promptId).toMatch(/^[0-9a-f-]{36}$/)
    // The sampler node that reported progress in the same run.
    const progressNodes = new Set(
      wireFrames(recording).flatMap(({ frame: text }) => {
        if (typeof text !== 'string') return []
        const message = expectOk(parseMessage(text))
        return message.type === 'progress' ? [message.data.node] : []
      }),
    )
    expect(progressNodes).toEqual(new Set(['3']))

    const frames = recordedBinary('13-preview-metadata.jsonl')
    expect(frames).toHaveLength(5)
    for (const { bytes, eventType } of frames) {
      expect(eventType).toBe(4)
      const preview = expectPreview(parseMessage(bytes))
      expect(preview.eventType).toBe(4)
      expect(preview.metadata).toEqual({
        node_id: '3',
        prompt_id: promptId,
        display_node_id: '3',
        parent_node_id: null,
        real_node_id: '3',
        image_type: 'image/jpeg',
      })
      expect(preview.mimeType).toBe('image/jpeg')
      expect([...preview.image.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
      expect(preview.image.buffer).toBe(bytes.buffer)
      expect(preview.image.byteOffset).toBe(bytes.byteOffset + 8 + 0xa6)
    }
  })

  it('a Node Buffer that views a bigger buffer at a non-zero offset (as ws delivers) is read in place', () => {
    const bytes = recordedBinary('13-preview-metadata.jsonl')[0]!.bytes
    const pool = new ArrayBuffer(bytes.length + 1000)
    new Uint8Array(pool).fill(0x55)
    new Uint8Array(pool, 333, bytes.length).set(bytes)
    const buffer = Buffer.from(pool, 333, bytes.length)
    const preview = expectPreview(parseMessage(buffer))
    expect(preview.metadata?.node_id).toBe('3')
    expect(preview.image.buffer).toBe(pool)
    expect(preview.image.byteOffset).toBe(333 + 8 + 0xa6)
    expect(preview.image.length).toBe(bytes.length - 8 - 0xa6)
    expect(preview.image.at(-1)).toBe(bytes.at(-1))
  })

  it('an ArrayBuffer (browser binaryType "arraybuffer") and other views parse the same', () => {
    const bytes = recordedBinary('01-txt2img-basic.jsonl')[0]!.bytes
    const copy = bytes.slice().buffer
    const fromBuffer = expectPreview(parseMessage(copy))
    expect(fromBuffer.image.buffer).toBe(copy)
    expect(fromBuffer.image.length).toBe(bytes.length - 8)
    const view = new DataView(copy, 0)
    expect(expectPreview(parseMessage(view as never)).mimeType).toBe('image/jpeg')
  })
})

describe('previews: the MIME type comes from the bytes, the declared format is the fallback', () => {
  it.each([
    ['JPEG declared as JPEG', 1, JPEG, 'image/jpeg'],
    ['PNG declared as JPEG (ComfyUI labels every non-PNG 1)', 1, PNG, 'image/png'],
    ['WEBP declared as JPEG', 1, WEBP, 'image/webp'],
    ['GIF declared as JPEG', 1, GIF, 'image/gif'],
    ['JPEG declared as PNG', 2, JPEG, 'image/jpeg'],
    ['unrecognised bytes declared as PNG', 2, new Uint8Array([1, 2, 3]), 'image/png'],
    ['unrecognised bytes declared as JPEG', 1, new Uint8Array([1, 2, 3]), 'image/jpeg'],
    ['unrecognised bytes of an unknown kind', 9, new Uint8Array([1, 2, 3]), 'image/jpeg'],
  ] as const)('type 1: %s → %s', (_label, kind, image, mimeType) => {
    const preview = expectPreview(parseMessage(frame(1, u32(kind), image)))
    expect(preview.mimeType).toBe(mimeType)
    expect([...preview.image]).toEqual([...image])
  })

  it.each([
    ['image/jpeg', PNG, 'image/png'],
    ['image/jpeg', WEBP, 'image/webp'],
    ['image/png', JPEG, 'image/jpeg'],
    ['image/png', new Uint8Array([7]), 'image/png'],
    ['image/webp', new Uint8Array([7]), 'image/webp'],
    ['image/avif', new Uint8Array([7]), 'image/jpeg'],
  ] as const)('type 4: image_type %s over these bytes → %s', (imageType, image, mimeType) => {
    const metadata = JSON.stringify({ node_id: '54:73', prompt_id: 'p', image_type: imageType })
    const preview = expectPreview(parseMessage(withMetadata(metadata, image)))
    expect(preview.mimeType).toBe(mimeType)
    expect(preview.metadata?.node_id).toBe('54:73')
  })

  it('type 4: metadata with only some fields, or extra ones, is kept as sent', () => {
    const preview = expectPreview(parseMessage(withMetadata('{"prompt_id":"p","extra":[1]}', JPEG)))
    expect(preview.metadata).toEqual({ prompt_id: 'p', extra: [1] })
  })
})

describe('progress text (type 3)', () => {
  it('reads the node id and the UTF-8 text to the end', () => {
    const text = 'Result URL: https://example.com/ü/✓ 日本'
    const message = expectOk(parseMessage(frame(3, u32(utf8.encode('54:73').length), '54:73', text)))
    expect(message).toEqual({ type: 'progress_text', nodeId: '54:73', text })
  })

  it('accepts an empty text and an empty node id', () => {
    expect(expectOk(parseMessage(frame(3, u32(0))))).toEqual({ type: 'progress_text', nodeId: '', text: '' })
  })

  it('a node id length beyond the frame is BINARY_FRAME_TRUNCATED', () => {
    expect(expectCode(parseMessage(frame(3, u32(10), '12')), 'BINARY_FRAME_TRUNCATED')).toEqual({
      eventType: 3,
      byteLength: 10,
      offset: 8,
      needed: 18,
    })
    expect(expectCode(parseMessage(frame(3, u32(0xffffffff))), 'BINARY_FRAME_TRUNCATED').needed).toBe(
      8 + 0xffffffff,
    )
  })

  it('malformed UTF-8 in the node id or the text is BINARY_FRAME_INVALID', () => {
    const bad = new Uint8Array([0xc3, 0x28])
    expect(expectCode(parseMessage(frame(3, u32(2), bad, 'ok')), 'BINARY_FRAME_INVALID').offset).toBe(8)
    expect(expectCode(parseMessage(frame(3, u32(1), '9', bad)), 'BINARY_FRAME_INVALID').offset).toBe(9)
  })
})

describe('unknown binary types', () => {
  it.each([0, 2, 5, 0x7b227479, 0xffffffff])(
    'type %i is tolerated as unknown_binary, as a view',
    (eventType) => {
      const bytes = frame(eventType, 'payload')
      const message = expectOk(parseMessage(bytes))
      expect(message).toEqual({ type: 'unknown_binary', eventType, bytes })
      expect(message.type === 'unknown_binary' && message.bytes.buffer).toBe(bytes.buffer)
    },
  )

  it('an unknown type needs no more than its 4-byte header', () => {
    expect(expectOk(parseMessage(u32(77)))).toMatchObject({ type: 'unknown_binary', eventType: 77 })
  })
})

describe('truncated and malformed frames', () => {
  it.each([0, 1, 2, 3])('%i bytes: no room for the event type → BINARY_FRAME_TRUNCATED', (length) => {
    expect(expectCode(parseMessage(new Uint8Array(length)), 'BINARY_FRAME_TRUNCATED')).toEqual({
      byteLength: length,
      offset: 0,
      needed: 4,
    })
  })

  it.each([1, 3, 4])('type %i with a partial second header field → BINARY_FRAME_TRUNCATED', (eventType) => {
    const details = expectCode(parseMessage(frame(eventType, new Uint8Array(3))), 'BINARY_FRAME_TRUNCATED')
    expect(details).toMatchObject({ eventType, offset: 4, needed: 8 })
  })

  it('a preview with no image bytes → BINARY_FRAME_TRUNCATED', () => {
    expect(expectCode(parseMessage(frame(1, u32(1))), 'BINARY_FRAME_TRUNCATED')).toMatchObject({
      eventType: 1,
      offset: 8,
    })
    expect(
      expectCode(parseMessage(withMetadata('{}', new Uint8Array(0))), 'BINARY_FRAME_TRUNCATED'),
    ).toMatchObject({ eventType: 4, offset: 10 })
  })

  it('a recorded type-4 frame cut inside its metadata → BINARY_FRAME_TRUNCATED; cut in its image → still a preview', () => {
    const bytes = recordedBinary('13-preview-metadata.jsonl')[0]!.bytes
    for (const cut of [8, 9, 100, 8 + 0xa6 - 1]) {
      expect(expectCode(parseMessage(bytes.subarray(0, cut)), 'BINARY_FRAME_TRUNCATED')).toMatchObject({
        offset: 8,
        needed: 8 + 0xa6,
      })
    }
    expectCode(parseMessage(bytes.subarray(0, 8 + 0xa6)), 'BINARY_FRAME_TRUNCATED')
    // The image has no length field, so a cut image cannot be told from a short one.
    expect(expectPreview(parseMessage(bytes.subarray(0, 8 + 0xa6 + 3))).mimeType).toBe('image/jpeg')
  })

  it.each([
    ['not JSON', '{"node_id": "3",'],
    ['a JSON array', '["3"]'],
    ['JSON null', 'null'],
    ['a numeric node_id', '{"node_id": 3}'],
    ['a numeric parent_node_id', '{"parent_node_id": 5}'],
    ['a non-string image_type', '{"image_type": ["image/png"]}'],
  ])('type-4 metadata that is %s → BINARY_FRAME_INVALID', (_label, metadata) => {
    expect(expectCode(parseMessage(withMetadata(metadata, JPEG)), 'BINARY_FRAME_INVALID')).toMatchObject({
      eventType: 4,
      offset: 8,
    })
  })

  it('type-4 metadata that is not UTF-8 → BINARY_FRAME_INVALID', () => {
    const latin1 = new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]) // {"é":1} in Latin-1
    expect(expectCode(parseMessage(withMetadata(latin1, JPEG)), 'BINARY_FRAME_INVALID').metadataLength).toBe(
      7,
    )
  })
})
