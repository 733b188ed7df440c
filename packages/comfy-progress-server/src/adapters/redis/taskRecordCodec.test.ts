import { isComfyProgressError } from '@comfy-progress/core'
import { describe, expect, it } from 'vitest'
import { completed, inProgress, queued } from '../../../test/helpers.js'
import { createTaskId } from '../../tasks/createTaskId.js'
import { decodeLogEntries, decodeTaskRecord, encodeMetadata } from './taskRecordCodec.js'

const taskId = createTaskId()
const rejects = (run: () => unknown) => {
  let error: unknown
  try {
    run()
  } catch (caught) {
    error = caught
  }
  expect(isComfyProgressError(error, 'REDIS_DATA_INVALID')).toBe(true)
}

describe('encodeMetadata / decodeTaskRecord', () => {
  it('stores each metadata field as JSON, leaves undefined out, and reads the hash back', () => {
    const pairs = encodeMetadata({ prompt: 'a cat', promptId: undefined, app: { seed: 42, tags: [] } })
    expect(pairs).toEqual(['meta:prompt', '"a cat"', 'meta:app', '{"seed":42,"tags":[]}'])
    const hash = Object.fromEntries([
      ['createdAt', '1000'],
      ['seq', '2'],
      ['latest', JSON.stringify(completed(taskId))],
      ['finishedAt', '2000'],
      ['expiresAt', '62000'],
      ...[0, 2].map((i) => [pairs[i]!, pairs[i + 1]!]),
    ])
    expect(decodeTaskRecord(taskId, hash, 'k')).toEqual({
      taskId,
      metadata: { prompt: 'a cat', app: { seed: 42, tags: [] } },
      createdAt: 1000,
      latest: { taskId, seq: 2, event: completed(taskId) },
      finishedAt: 2000,
      expiresAt: 62000,
    })
    // The flat [field, value, …] array a script answers reads the same.
    expect(decodeTaskRecord(taskId, Object.entries(hash).flat() as string[], 'k')).toEqual(
      decodeTaskRecord(taskId, hash, 'k'),
    )
  })

  it('rejects a hash it did not write with REDIS_DATA_INVALID', () => {
    rejects(() => decodeTaskRecord(taskId, { foo: 'bar' }, 'k'))
    rejects(() => decodeTaskRecord(taskId, { createdAt: '1', seq: '1', latest: '{' }, 'k'))
    rejects(() => decodeTaskRecord(taskId, { createdAt: '1', seq: '0', 'meta:prompt': 'not json' }, 'k'))
  })
})

describe('decodeLogEntries', () => {
  it('merges stream answers by sequence number, without duplicates, oldest first', () => {
    const entry = (seq: number, json: string) => [`${seq}-0`, ['e', json]] as const
    const log = [
      entry(3, JSON.stringify(inProgress(taskId, 30))),
      entry(4, JSON.stringify(completed(taskId))),
    ]
    const marks = [entry(1, JSON.stringify(queued(taskId))), entry(4, JSON.stringify(completed(taskId)))]
    expect(decodeLogEntries(taskId, [log, marks], 'k').map((e) => [e.seq, e.event.status])).toEqual([
      [1, 'queued'],
      [3, 'in-progress'],
      [4, 'completed'],
    ])
  })

  it('rejects entries it did not write with REDIS_DATA_INVALID', () => {
    rejects(() => decodeLogEntries(taskId, [[['x-0', ['e', '{}']]]], 'k'))
    rejects(() => decodeLogEntries(taskId, [[['1-0', ['other', '{}']]]], 'k'))
    rejects(() => decodeLogEntries(taskId, [[['1-0', ['e', 'nope']]]], 'k'))
  })
})
