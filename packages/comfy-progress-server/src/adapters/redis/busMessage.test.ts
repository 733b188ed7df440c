import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { completed } from '../../../test/helpers.js'
import { createTaskId } from '../../tasks/createTaskId.js'
import { decodeBusMessage, encodeBusMessage } from './busMessage.js'

describe('encodeBusMessage / decodeBusMessage', () => {
  it('round-trips an entry of the channel’s task, frozen', () => {
    const taskId = createTaskId()
    const entry = { taskId, seq: 7, event: completed(taskId) }
    const decoded = decodeBusMessage(taskId, encodeBusMessage(entry))
    expect(decoded).toEqual(entry)
    expect(Object.isFrozen(decoded)).toBe(true)
  })

  it('answers REDIS_DATA_INVALID for anything else, never throws', () => {
    const taskId = createTaskId()
    const other = createTaskId()
    const bad = [
      'not json',
      'null',
      '{"seq":1}',
      JSON.stringify({ seq: 0, event: completed(taskId) }),
      JSON.stringify({ seq: 1.5, event: completed(taskId) }),
      JSON.stringify({ seq: '1', event: completed(taskId) }),
      JSON.stringify({ seq: 1, event: completed(other) }),
      JSON.stringify({ seq: 1, event: { taskId } }),
    ]
    for (const message of bad) {
      expect(isComfyProgressError(decodeBusMessage(taskId, message), 'REDIS_DATA_INVALID')).toBe(true)
    }
  })
})
