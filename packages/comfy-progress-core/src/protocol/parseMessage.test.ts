import { describe, expect, it } from 'vitest'
import { listRecordings, loadRecording, wireFrames } from '../../test/helpers.js'
import { isComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyProgressErrorCode } from '../errors/codes.js'
import type { ComfyMessage } from './ComfyMessage.js'
import { parseMessage } from './parseMessage.js'
import type { ParseMessageResult } from './ParseMessageResult.js'

function expectOk(result: ParseMessageResult): ComfyMessage {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.message
}

function expectCode(result: ParseMessageResult, code: ComfyProgressErrorCode): Record<string, unknown> {
  if (result.ok) throw new Error(`expected ${code}, got a ${result.message.type} message`)
  expect(isComfyProgressError(result.error, code)).toBe(true)
  expect(result.error.message).toMatch(/^comfy-progress: /)
  return result.error.details as Record<string, unknown>
}

/** The exact JSON text of the first recorded text frame of `type` in `recording`. */
function recordedText(recording: string, type: string, nth = 0): string {
  const frames = wireFrames(loadRecording(recording)).filter(
    (frame) => frame.entry.kind === 'text' && (frame.entry.data as { type?: unknown } | null)?.type === type,
  )
  const frame = frames[nth]
  if (frame === undefined || typeof frame.frame !== 'string')
    throw new Error(`no ${type} #${nth} in ${recording}`)
  return frame.frame
}

/** A recorded frame with `edit` applied to its `data` (a real frame with one thing changed). */
function edited(recording: string, type: string, edit: (data: Record<string, unknown>) => void): string {
  const frame = JSON.parse(recordedText(recording, type)) as { data: Record<string, unknown> }
  edit(frame.data)
  return JSON.stringify(frame)
}

describe('parseMessage on the recorded ComfyUI traffic', () => {
  it.each(listRecordings())('%s: every text frame parses to a modelled type', (name) => {
    for (const { frame } of wireFrames(loadRecording(name))) {
      if (typeof frame !== 'string') continue
      const message = expectOk(parseMessage(frame))
      expect(message.type).not.toBe('unknown')
      // The message is the JSON itself, not a re-shaped copy.
      expect(message).toEqual(JSON.parse(frame))
    }
  })

  // Expected counts: the table in fixtures/comfyui/README.md ("executing N (k null)" → executing, executing_null).
  const table: Record<string, Record<string, number>> = {
    '01-txt2img-basic.jsonl': {
      status: 4,
      execution_start: 1,
      execution_cached: 1,
      executing: 8,
      executing_null: 1,
      progress: 20,
      progress_state: 34,
      executed: 1,
      execution_success: 1,
      binary_1: 20,
    },
    '02-txt2img-cached.jsonl': {
      status: 4,
      execution_start: 1,
      execution_cached: 1,
      executing: 1,
      executing_null: 1,
      progress_state: 1,
      executed: 1,
      execution_success: 1,
    },
    '04-validation-error.jsonl': { status: 1 },
    '05-runtime-error.jsonl': {
      status: 7,
      execution_start: 2,
      execution_cached: 2,
      executing: 5,
      executing_null: 2,
      progress_state: 4,
      execution_error: 2,
    },
    '06-interrupt.jsonl': {
      status: 4,
      execution_start: 1,
      execution_cached: 1,
      executing: 6,
      executing_null: 1,
      progress: 10,
      progress_state: 19,
      execution_interrupted: 1,
      binary_1: 10,
    },
    '07-queue-three.jsonl': {
      status: 10,
      execution_start: 3,
      execution_cached: 3,
      executing: 12,
      executing_null: 3,
      progress: 60,
      progress_state: 78,
      executed: 3,
      execution_success: 3,
      binary_1: 60,
    },
    '13-preview-metadata.jsonl': {
      status: 4,
      feature_flags: 1,
      execution_start: 1,
      execution_cached: 1,
      executing: 5,
      executing_null: 1,
      progress: 20,
      progress_state: 28,
      executed: 1,
      execution_success: 1,
      binary_4: 20,
    },
    '14-no-client-id.jsonl': { status: 4, progress: 20, progress_state: 26, binary_1: 20 },
  }

  it.each(Object.keys(table))('%s: per-type counts match the fixtures README', (name) => {
    const counts: Record<string, number> = {}
    const add = (key: string) => (counts[key] = (counts[key] ?? 0) + 1)
    for (const { frame, entry } of wireFrames(loadRecording(name), { includeDroppedBinary: true })) {
      if (entry.kind === 'binary') {
        // Frames whose bytes were dropped from the archive are counted from the recorder's event_type.
        add(`binary_${entry.event_type}`)
        if (entry.b64 === undefined) continue
      }
      const message = expectOk(parseMessage(frame))
      if (message.type === 'preview_image') {
        expect(message.eventType).toBe(entry.kind === 'binary' ? entry.event_type : -1)
        continue
      }
      add(message.type)
      if (message.type === 'executing' && message.data.node === null) add('executing_null')
    }
    expect(counts).toEqual(table[name])
  })

  it('10-two-clients: the observer gets only status frames, the submitter the whole run', () => {
    const recording = loadRecording('10-two-clients.jsonl')
    const perClient = new Map<string, string[]>()
    for (const { frame, client } of wireFrames(recording)) {
      const type = expectOk(parseMessage(frame)).type
      perClient.set(client, [...(perClient.get(client) ?? []), type])
    }
    const [submitter, observer] = [...perClient.entries()].sort((a, b) => b[1].length - a[1].length)
    expect(new Set(observer![1])).toEqual(new Set(['status']))
    expect(observer![1]).toHaveLength(4)
    expect(submitter![1].filter((type) => type === 'progress')).toHaveLength(20)
  })

  it('00 and 99 (HTTP only) hold no WebSocket frames', () => {
    expect(wireFrames(loadRecording('00-server-info.jsonl'))).toHaveLength(0)
    expect(wireFrames(loadRecording('99-final-snapshots.jsonl'))).toHaveLength(0)
  })
})

describe('parseMessage: text frames, good beside bad', () => {
  it('status: the on-connect frame with sid, later ones without; status null or missing is tolerated', () => {
    const first = expectOk(parseMessage(recordedText('01-txt2img-basic.jsonl', 'status')))
    expect(first).toMatchObject({ type: 'status', data: { sid: expect.any(String) } })
    const later = expectOk(parseMessage(recordedText('01-txt2img-basic.jsonl', 'status', 1)))
    expect(later.type === 'status' && later.data.sid).toBe(undefined)
    expect(expectOk(parseMessage('{"type":"status","data":{"status":null}}')).type).toBe('status')
    expect(expectOk(parseMessage('{"type":"status","data":{}}')).type).toBe('status')
  })

  it('status: a queue_remaining that is not a number, or a non-string sid, is MESSAGE_INVALID_SHAPE', () => {
    const bad = edited('01-txt2img-basic.jsonl', 'status', (data) => {
      data.status = { exec_info: { queue_remaining: '1' } }
    })
    expect(expectCode(parseMessage(bad), 'MESSAGE_INVALID_SHAPE')).toMatchObject({
      type: 'status',
      field: 'data.status.exec_info.queue_remaining',
      received: 'string',
    })
    const noExecInfo = edited('01-txt2img-basic.jsonl', 'status', (data) => (data.status = {}))
    expect(expectCode(parseMessage(noExecInfo), 'MESSAGE_INVALID_SHAPE').field).toBe('data.status.exec_info')
    // Found by fuzzing: a negative, fractional or infinite (1e999) queue length reached ComfyClient's
    // queueRemaining, /health and the choice of backend.
    for (const queue of ['-1', '1.5', '1e999']) {
      const text = `{"type":"status","data":{"status":{"exec_info":{"queue_remaining":${queue}}}}}`
      expect(expectCode(parseMessage(text), 'MESSAGE_INVALID_SHAPE')).toMatchObject({
        field: 'data.status.exec_info.queue_remaining',
      })
    }
    const badSid = edited('01-txt2img-basic.jsonl', 'status', (data) => (data.sid = 42))
    expect(expectCode(parseMessage(badSid), 'MESSAGE_INVALID_SHAPE').field).toBe('data.sid')
  })

  it('execution_start / execution_success: prompt_id and timestamp', () => {
    for (const type of ['execution_start', 'execution_success']) {
      const good = expectOk(parseMessage(recordedText('01-txt2img-basic.jsonl', type)))
      expect(good).toMatchObject({
        type,
        data: { prompt_id: expect.any(String), timestamp: expect.any(Number) },
      })
      const noId = edited('01-txt2img-basic.jsonl', type, (data) => delete data.prompt_id)
      expect(expectCode(parseMessage(noId), 'MESSAGE_INVALID_SHAPE')).toMatchObject({
        field: 'data.prompt_id',
        received: 'undefined',
      })
      const badTime = edited('01-txt2img-basic.jsonl', type, (data) => (data.timestamp = '2025'))
      expect(expectCode(parseMessage(badTime), 'MESSAGE_INVALID_SHAPE').field).toBe('data.timestamp')
    }
  })

  it('execution_cached: nodes is an array of ids, possibly empty', () => {
    const good = expectOk(parseMessage(recordedText('02-txt2img-cached.jsonl', 'execution_cached')))
    expect(good.type === 'execution_cached' && good.data.nodes).toHaveLength(7)
    const empty = edited('02-txt2img-cached.jsonl', 'execution_cached', (data) => (data.nodes = []))
    expect(expectOk(parseMessage(empty)).type).toBe('execution_cached')
    const numeric = edited('02-txt2img-cached.jsonl', 'execution_cached', (data) => (data.nodes = [4, 5]))
    expect(expectCode(parseMessage(numeric), 'MESSAGE_INVALID_SHAPE').field).toBe('data.nodes')
  })

  it('executing: node start, the node:null end marker, and the reconnect replay {node}', () => {
    const start = expectOk(parseMessage(recordedText('01-txt2img-basic.jsonl', 'executing')))
    expect(start).toMatchObject({
      type: 'executing',
      data: { node: expect.any(String), display_node: expect.any(String), prompt_id: expect.any(String) },
    })
    const end = expectOk(parseMessage(recordedText('01-txt2img-basic.jsonl', 'executing', 7)))
    expect(end).toEqual({ type: 'executing', data: { node: null, prompt_id: expect.any(String) } })
    // The replay shape recorded on reconnect (fixtures README §7): no prompt_id, no display_node.
    const replay = expectOk(parseMessage('{"type":"executing","data":{"node":"3"}}'))
    expect(replay).toEqual({ type: 'executing', data: { node: '3' } })
  })

  it('executing: a missing or numeric node is MESSAGE_INVALID_SHAPE', () => {
    expect(expectCode(parseMessage('{"type":"executing","data":{}}'), 'MESSAGE_INVALID_SHAPE').field).toBe(
      'data.node',
    )
    const numeric = edited('01-txt2img-basic.jsonl', 'executing', (data) => (data.node = 3))
    expect(expectCode(parseMessage(numeric), 'MESSAGE_INVALID_SHAPE').field).toBe('data.node')
    const badId = edited('01-txt2img-basic.jsonl', 'executing', (data) => (data.prompt_id = null))
    expect(expectCode(parseMessage(badId), 'MESSAGE_INVALID_SHAPE').field).toBe('data.prompt_id')
  })

  it('progress: value/max numbers; prompt_id and node optional (servers before 2024-01-01)', () => {
    const good = expectOk(parseMessage(recordedText('01-txt2img-basic.jsonl', 'progress')))
    expect(good).toMatchObject({ type: 'progress', data: { value: 1, max: 20, node: '3' } })
    const old = expectOk(parseMessage('{"type":"progress","data":{"value":3,"max":20}}'))
    expect(old).toEqual({ type: 'progress', data: { value: 3, max: 20 } })
    const nulls = edited('01-txt2img-basic.jsonl', 'progress', (data) => {
      data.prompt_id = null
      data.node = null
    })
    expect(expectOk(parseMessage(nulls)).type).toBe('progress')
  })

  it('progress: value "x" or a missing max is MESSAGE_INVALID_SHAPE', () => {
    const text = edited('01-txt2img-basic.jsonl', 'progress', (data) => (data.value = 'x'))
    expect(expectCode(parseMessage(text), 'MESSAGE_INVALID_SHAPE')).toMatchObject({
      type: 'progress',
      field: 'data.value',
      expected: 'a number',
      received: 'string',
    })
    const noMax = edited('01-txt2img-basic.jsonl', 'progress', (data) => delete data.max)
    expect(expectCode(parseMessage(noMax), 'MESSAGE_INVALID_SHAPE').field).toBe('data.max')
    const badNode = edited('01-txt2img-basic.jsonl', 'progress', (data) => (data.node = ['3']))
    expect(expectCode(parseMessage(badNode), 'MESSAGE_INVALID_SHAPE').field).toBe('data.node')
  })

  it('progress_state: a full snapshot; parent_node_id null; extra fields (newer `activity`) kept', () => {
    const frame = recordedText('01-txt2img-basic.jsonl', 'progress_state', 30)
    const good = expectOk(parseMessage(frame))
    if (good.type !== 'progress_state') throw new Error('not progress_state')
    const nodes = Object.values(good.data.nodes)
    expect(nodes.length).toBeGreaterThan(1)
    for (const node of nodes) {
      expect(node.prompt_id).toBe(good.data.prompt_id)
      expect(['running', 'finished']).toContain(node.state)
      expect(node.parent_node_id).toBe(null)
    }
    const withActivity = edited('01-txt2img-basic.jsonl', 'progress_state', (data) => {
      ;(Object.values(data.nodes as object)[0] as Record<string, unknown>).activity = 'Loading'
    })
    expect(expectOk(parseMessage(withActivity)).type).toBe('progress_state')
  })

  it('progress_state: a node with a string value, an unknown state or no nodes is MESSAGE_INVALID_SHAPE', () => {
    const firstNode = (data: Record<string, unknown>) =>
      Object.values(data.nodes as object)[0] as Record<string, unknown>
    const value = edited('01-txt2img-basic.jsonl', 'progress_state', (data) => (firstNode(data).value = '0'))
    expect(expectCode(parseMessage(value), 'MESSAGE_INVALID_SHAPE').field).toBe('data.nodes["4"].value')
    const state = edited(
      '01-txt2img-basic.jsonl',
      'progress_state',
      (data) => (firstNode(data).state = 'done'),
    )
    expect(expectCode(parseMessage(state), 'MESSAGE_INVALID_SHAPE').field).toBe('data.nodes["4"].state')
    const parent = edited('01-txt2img-basic.jsonl', 'progress_state', (data) => {
      firstNode(data).parent_node_id = 5
    })
    expect(expectCode(parseMessage(parent), 'MESSAGE_INVALID_SHAPE').field).toBe(
      'data.nodes["4"].parent_node_id',
    )
    const noNodes = edited('01-txt2img-basic.jsonl', 'progress_state', (data) => (data.nodes = []))
    expect(expectCode(parseMessage(noNodes), 'MESSAGE_INVALID_SHAPE').field).toBe('data.nodes')
  })

  it('executed: the cached replay of 02, and output null (a cached output node without UI)', () => {
    const cached = expectOk(parseMessage(recordedText('02-txt2img-cached.jsonl', 'executed')))
    expect(cached).toMatchObject({
      type: 'executed',
      data: { node: '9', output: { images: [{ filename: 'txt2img-basic_00001_.png', type: 'output' }] } },
    })
    const nullOutput = edited('02-txt2img-cached.jsonl', 'executed', (data) => (data.output = null))
    const message = expectOk(parseMessage(nullOutput))
    expect(message.type === 'executed' && message.data.output).toBe(null)
    const otherKeys = edited(
      '02-txt2img-cached.jsonl',
      'executed',
      (data) => (data.output = { text: ['hi'] }),
    )
    expect(expectOk(parseMessage(otherKeys)).type).toBe('executed')
  })

  it('executed: a missing output, a string output or an image without filename is MESSAGE_INVALID_SHAPE', () => {
    const missing = edited('02-txt2img-cached.jsonl', 'executed', (data) => delete data.output)
    expect(expectCode(parseMessage(missing), 'MESSAGE_INVALID_SHAPE').field).toBe('data.output')
    const text = edited('02-txt2img-cached.jsonl', 'executed', (data) => (data.output = 'done'))
    expect(expectCode(parseMessage(text), 'MESSAGE_INVALID_SHAPE').field).toBe('data.output')
    const image = edited('02-txt2img-cached.jsonl', 'executed', (data) => {
      data.output = { images: [{ subfolder: '', type: 'output' }] }
    })
    expect(expectCode(parseMessage(image), 'MESSAGE_INVALID_SHAPE').field).toBe(
      'data.output.images[0].filename',
    )
  })

  it('execution_error: both recorded failures (RuntimeError, PIL.UnidentifiedImageError)', () => {
    const types = [0, 1].map((nth) => {
      const message = expectOk(parseMessage(recordedText('05-runtime-error.jsonl', 'execution_error', nth)))
      if (message.type !== 'execution_error') throw new Error('not execution_error')
      expect(message.data.traceback.length).toBeGreaterThan(0)
      return message.data.exception_type
    })
    expect(types).toEqual(['RuntimeError', 'PIL.UnidentifiedImageError'])
  })

  it('execution_error: a traceback that is a string, or a numeric node_id, is MESSAGE_INVALID_SHAPE', () => {
    const traceback = edited('05-runtime-error.jsonl', 'execution_error', (data) => (data.traceback = 'boom'))
    expect(expectCode(parseMessage(traceback), 'MESSAGE_INVALID_SHAPE').field).toBe('data.traceback')
    const nodeId = edited('05-runtime-error.jsonl', 'execution_error', (data) => (data.node_id = 8))
    expect(expectCode(parseMessage(nodeId), 'MESSAGE_INVALID_SHAPE').field).toBe('data.node_id')
  })

  it('execution_interrupted: the recorded interrupt; a missing executed list is MESSAGE_INVALID_SHAPE', () => {
    const good = expectOk(parseMessage(recordedText('06-interrupt.jsonl', 'execution_interrupted')))
    expect(good).toMatchObject({ type: 'execution_interrupted', data: { node_type: 'KSampler' } })
    const bad = edited('06-interrupt.jsonl', 'execution_interrupted', (data) => delete data.executed)
    expect(expectCode(parseMessage(bad), 'MESSAGE_INVALID_SHAPE').field).toBe('data.executed')
  })

  it('feature_flags: the recorded reply; unknown flags kept; a string max_upload_size is rejected', () => {
    const good = expectOk(parseMessage(recordedText('13-preview-metadata.jsonl', 'feature_flags')))
    expect(good).toEqual({
      type: 'feature_flags',
      data: { supports_preview_metadata: true, max_upload_size: 104857600 },
    })
    const newer = edited('13-preview-metadata.jsonl', 'feature_flags', (data) => {
      data['extension.manager.supports_v4'] = true
    })
    expect(expectOk(parseMessage(newer)).type).toBe('feature_flags')
    const bad = edited(
      '13-preview-metadata.jsonl',
      'feature_flags',
      (data) => (data.max_upload_size = '100MB'),
    )
    expect(expectCode(parseMessage(bad), 'MESSAGE_INVALID_SHAPE').field).toBe('data.max_upload_size')
  })

  it('unknown types (custom nodes, logs, our own synthetic names) become {type:"unknown"}, never an error', () => {
    const logs = '{"type":"logs","data":{"entries":[{"t":"x","m":"y"}],"size":{"cols":80,"rows":24}}}'
    expect(expectOk(parseMessage(logs))).toEqual({
      type: 'unknown',
      rawType: 'logs',
      data: { entries: [{ t: 'x', m: 'y' }], size: { cols: 80, rows: 24 } },
    })
    expect(expectOk(parseMessage('{"type":"crystools.monitor"}'))).toEqual({
      type: 'unknown',
      rawType: 'crystools.monitor',
      data: undefined,
    })
    for (const rawType of ['unknown', 'preview_image', 'progress_text', 'unknown_binary', '__proto__']) {
      expect(expectOk(parseMessage(JSON.stringify({ type: rawType, data: 1 })))).toEqual({
        type: 'unknown',
        rawType,
        data: 1,
      })
    }
  })

  it('the envelope: not JSON, not an object, no string type, or non-object data for a known type', () => {
    expect(expectCode(parseMessage(''), 'MESSAGE_NOT_JSON')).toEqual({ length: 0, start: '' })
    expect(expectCode(parseMessage('{"type":"progress",'), 'MESSAGE_NOT_JSON').length).toBe(19)
    expect(expectCode(parseMessage('[1,2]'), 'MESSAGE_INVALID_SHAPE').received).toBe('array')
    expect(expectCode(parseMessage('null'), 'MESSAGE_INVALID_SHAPE').received).toBe('null')
    expect(expectCode(parseMessage('{"type":7,"data":{}}'), 'MESSAGE_INVALID_SHAPE').field).toBe('type')
    expect(expectCode(parseMessage('{"type":"progress","data":[1]}'), 'MESSAGE_INVALID_SHAPE')).toMatchObject(
      {
        type: 'progress',
        field: 'data',
        received: 'array',
      },
    )
    expect(expectCode(parseMessage('{"type":"status"}'), 'MESSAGE_INVALID_SHAPE').field).toBe('data')
  })

  it('tolerates extra top-level and data fields on known types', () => {
    const frame = edited('01-txt2img-basic.jsonl', 'progress', (data) => (data.workflow_id = 'w'))
    const withTop = JSON.stringify({ ...(JSON.parse(frame) as object), sent_at: 1 })
    expect(expectOk(parseMessage(withTop))).toMatchObject({ type: 'progress', data: { workflow_id: 'w' } })
  })
})

describe('parseMessage: inputs that are not frames', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['number', 42],
    ['boolean', true],
    ['bigint', 1n],
    ['symbol', Symbol('frame')],
    ['Function', () => '{}'],
    ['Object', { type: 'status', data: {} }],
    ['Array', [new Uint8Array(8)]],
    ['Date', new Date(0)],
  ])('%s → MESSAGE_UNSUPPORTED_INPUT with the received type', (receivedType, value) => {
    expect(expectCode(parseMessage(value as never), 'MESSAGE_UNSUPPORTED_INPUT')).toEqual({ receivedType })
  })

  it('a Blob (browser default binaryType) is rejected with a hint to use arraybuffer', () => {
    const result = parseMessage(new Blob([new Uint8Array([0, 0, 0, 1])]) as never)
    expect(expectCode(result, 'MESSAGE_UNSUPPORTED_INPUT')).toEqual({ receivedType: 'Blob' })
    expect(!result.ok && result.error.message).toContain("binaryType = 'arraybuffer'")
  })

  it('a MessageEvent-like object is rejected with a hint to pass event.data', () => {
    const result = parseMessage({ data: '{"type":"status","data":{}}' } as never)
    expect(!result.ok && result.error.message).toContain('event.data')
  })

  it('hostile objects (revoked proxy, throwing traps and getters, detached buffers) never throw', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('get')
        },
        has: () => {
          throw new Error('has')
        },
        getPrototypeOf: () => {
          throw new Error('proto')
        },
      },
    )
    const tagThrows = {
      get [Symbol.toStringTag](): string {
        throw new Error('tag')
      },
    }
    class LyingBytes extends Uint8Array {
      override get buffer(): ArrayBuffer {
        throw new Error('buffer')
      }
    }
    const detached = new ArrayBuffer(16)
    structuredClone(detached, { transfer: [detached] })
    const detachedView = new Uint8Array(new ArrayBuffer(16), 4)
    structuredClone(detachedView.buffer, { transfer: [detachedView.buffer] })

    for (const value of [proxy, throwing, tagThrows, new LyingBytes(8)]) {
      expectCode(parseMessage(value as never), 'MESSAGE_UNSUPPORTED_INPUT')
    }
    // A transferred (detached) buffer cannot be read at all.
    expect(expectCode(parseMessage(detached), 'MESSAGE_UNSUPPORTED_INPUT')).toEqual({
      receivedType: 'ArrayBuffer',
    })
    expect(expectCode(parseMessage(detachedView), 'MESSAGE_UNSUPPORTED_INPUT')).toEqual({
      receivedType: 'Uint8Array',
    })
  })

  it('a 10 MB text frame and deeply nested JSON are handled without throwing', () => {
    const big = JSON.stringify({
      type: 'executed',
      data: { node: '9', prompt_id: 'p', output: { text: ['x'.repeat(10_000_000)] } },
    })
    expect(expectOk(parseMessage(big)).type).toBe('executed')
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const result = parseMessage(deep)
    expect(result.ok).toBe(false)
  })
})
