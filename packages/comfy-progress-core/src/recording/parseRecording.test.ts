import { describe, expect, it } from 'vitest'
import { isComfyProgressError } from '../errors/ComfyProgressError.js'
import { listRecordings, loadRecording } from '../../test/helpers.js'
import { parseRecording } from './parseRecording.js'

describe('parseRecording', () => {
  it('reads every recording in fixtures/comfyui with its meta first', () => {
    const names = listRecordings()
    expect(names.length).toBeGreaterThanOrEqual(14)
    for (const name of names) {
      const recording = loadRecording(name)
      expect(recording.meta.file ?? name).toBe(name)
      expect(recording.entries.length).toBeGreaterThan(0)
    }
  })

  it('keeps frames, annotations and HTTP exchanges in order', () => {
    const { entries, meta } = loadRecording('01-txt2img-basic.jsonl')
    expect(meta.prompt_ids).toEqual(['281235a4-ba8b-452d-9cff-3afeed5dbe95'])
    expect(entries[0]).toMatchObject({ ch: 'ws', kind: 'open' })
    expect(entries.find((e) => e.ch === 'http')).toMatchObject({
      method: 'POST',
      path: '/prompt',
      status: 200,
    })
    expect(entries.filter((e) => e.ch === 'ws' && e.kind === 'binary')).toHaveLength(20)
  })

  const bad: Array<[string, string, number]> = [
    ['not JSON', '{"meta":{}}\n{oops', 2],
    ['no meta header', '{"t":1,"ch":"ws","kind":"text","data":{}}', 1],
    ['an unknown channel', '{"meta":{}}\n{"t":1,"ch":"smoke"}', 2],
    ['a ws entry without kind', '{"meta":{}}\n{"t":1,"ch":"ws"}', 2],
    ['an array line', '{"meta":{}}\n[1,2]', 2],
    ['an empty file', '', 1],
  ]
  it.each(bad)('rejects %s with RECORDING_INVALID and the line number', (_, text, line) => {
    try {
      parseRecording(text)
      expect.unreachable()
    } catch (error) {
      expect(isComfyProgressError(error, 'RECORDING_INVALID')).toBe(true)
      expect((error as { details: { line: number } }).details.line).toBe(line)
    }
  })
})
