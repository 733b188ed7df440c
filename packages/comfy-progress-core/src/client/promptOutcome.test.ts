import { describe, expect, it } from 'vitest'
import { firstRecorded } from '../../test/integration/support/recordedHttp.js'
import { parseMessage } from '../protocol/parseMessage.js'
import type { ComfyHistoryEntry } from './httpTypes.js'
import { parseHistory } from './parseComfyResponses.js'
import { liveOutcome, mergeOutput, outcomeFromHistory } from './promptOutcome.js'

function recordedEntry(file: string): ComfyHistoryEntry {
  const recorded = firstRecorded(file, 'GET', '/history/')
  return parseHistory(recorded.response)[recorded.path.slice('/history/'.length)]!
}

describe('outcomeFromHistory, on histories recorded from ComfyUI 0.3.64', () => {
  it('reads a success with its outputs and execution_success', () => {
    const outcome = outcomeFromHistory(recordedEntry('01-txt2img-basic.jsonl'))
    expect(outcome).toMatchObject({
      status: 'success',
      source: 'history',
      message: { type: 'execution_success' },
    })
    expect(outcome.status === 'success' && outcome.outputs['9']?.images?.[0]?.filename).toMatch(/\.png$/)
  })

  it('reads a runtime error with its execution_error', () => {
    const outcome = outcomeFromHistory(recordedEntry('05-runtime-error.jsonl'))
    expect(outcome).toMatchObject({
      status: 'error',
      message: { type: 'execution_error', data: { exception_type: 'RuntimeError' } },
    })
  })

  it('tells an interrupt (status_str "error") from an error by status.messages', () => {
    const entry = recordedEntry('06-interrupt.jsonl')
    expect(entry.status?.status_str).toBe('error')
    expect(outcomeFromHistory(entry)).toMatchObject({
      status: 'interrupted',
      message: { type: 'execution_interrupted' },
    })
  })

  it('treats an entry without status (servers before 2024-01-11) as a success', () => {
    expect(outcomeFromHistory({ prompt: [], outputs: {} })).toMatchObject({
      status: 'success',
      message: null,
    })
  })

  it('reports an error whose message is missing or malformed with message null', () => {
    const entry = {
      prompt: [],
      outputs: {},
      status: { status_str: 'error', completed: false, messages: [['execution_error', 42]] as const },
    }
    expect(outcomeFromHistory(entry as unknown as ComfyHistoryEntry)).toMatchObject({
      status: 'error',
      message: null,
    })
  })
})

describe('liveOutcome', () => {
  const msg = (type: string, data: unknown) => {
    const parsed = parseMessage(JSON.stringify({ type, data }))
    if (!parsed.ok) throw parsed.error
    return parsed.message
  }
  it('recognises the four terminal frames and nothing else', () => {
    expect(liveOutcome(msg('execution_success', { prompt_id: 'p' }), {})?.status).toBe('success')
    expect(liveOutcome(msg('executing', { node: null, prompt_id: 'p' }), {})?.status).toBe('success')
    expect(
      liveOutcome(
        msg('execution_interrupted', { prompt_id: 'p', node_id: '3', node_type: 'K', executed: [] }),
        {},
      )?.status,
    ).toBe('interrupted')
    expect(liveOutcome(msg('executing', { node: '3', prompt_id: 'p' }), {})).toBeNull()
    expect(liveOutcome(msg('executing', { node: null }), {})).toBeNull()
    expect(liveOutcome(msg('progress', { value: 1, max: 2, prompt_id: 'p' }), {})).toBeNull()
  })
})

describe('mergeOutput', () => {
  it('concatenates the lists of a node that ran once per list item, and ignores null outputs', () => {
    const outputs = {}
    mergeOutput(outputs, '9', { images: [{ filename: 'a.png', subfolder: '', type: 'output' }] })
    mergeOutput(outputs, '9', null)
    mergeOutput(outputs, '9', {
      images: [{ filename: 'b.png', subfolder: '', type: 'output' }],
      animated: [false],
    })
    expect(outputs).toEqual({
      '9': {
        images: [
          { filename: 'a.png', subfolder: '', type: 'output' },
          { filename: 'b.png', subfolder: '', type: 'output' },
        ],
        animated: [false],
      },
    })
  })
})
