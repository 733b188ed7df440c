import { describe, expect, it } from 'vitest'
import { loadRecording, wireFrames } from '../../test/helpers.js'
import type { ComfyMessage } from './ComfyMessage.js'
import { isExecutionBlocked } from './isExecutionBlocked.js'
import { parseMessage } from './parseMessage.js'

function parsed(frame: string): ComfyMessage {
  const result = parseMessage(frame)
  if (!result.ok) throw new Error(result.error.message)
  return result.message
}

/** The two real execution_error frames of scenario 05 (RuntimeError, PIL.UnidentifiedImageError). */
const recordedErrors = wireFrames(loadRecording('05-runtime-error.jsonl')).flatMap(({ frame }) =>
  typeof frame === 'string' && frame.startsWith('{"type":"execution_error"') ? [frame] : [],
)

/**
 * The non-fatal variant as comfyui-protocol.md documents it (no recording has one): the recorded
 * frame with `exception_type: "ExecutionBlocked"`, an "Execution Blocked:" message, empty traceback
 * and inputs, and no `timestamp`.
 */
function blockedFrame(): string {
  const frame = JSON.parse(recordedErrors[0]!) as { data: Record<string, unknown> }
  Object.assign(frame.data, {
    exception_type: 'ExecutionBlocked',
    exception_message: 'Execution Blocked: the input image is missing',
    traceback: [],
    current_inputs: [],
    current_outputs: [],
  })
  delete frame.data.timestamp
  return JSON.stringify(frame)
}

describe('isExecutionBlocked', () => {
  it('is true for the ExecutionBlocked variant, which parses although it has no timestamp', () => {
    const message = parsed(blockedFrame())
    expect(message.type).toBe('execution_error')
    expect(isExecutionBlocked(message)).toBe(true)
  })

  it('is false for the recorded fatal errors', () => {
    expect(recordedErrors).toHaveLength(2)
    for (const frame of recordedErrors) expect(isExecutionBlocked(parsed(frame))).toBe(false)
  })

  it('is false for every other message type, including an unknown one named like it', () => {
    expect(isExecutionBlocked(parsed('{"type":"progress","data":{"value":1,"max":2}}'))).toBe(false)
    expect(
      isExecutionBlocked(parsed('{"type":"ExecutionBlocked","data":{"exception_type":"ExecutionBlocked"}}')),
    ).toBe(false)
  })
})
