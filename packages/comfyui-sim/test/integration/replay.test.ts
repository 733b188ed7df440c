/**
 * Replay mode: a simulator created with a recording answers each POST /prompt with the recorded
 * answer and plays the recorded frames for it, under the live client and prompt ids. Driven as the
 * recording's client did, every recording comes back frame for frame.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { FIXTURES_DIR, loadRecording, loadWorkflow } from '../fixtures.js'
import { closeAll, connect, isPromptEnd, postJson, startSim } from '../helpers.js'
import { driveRecording } from '../support/driveRecording.js'
import { expectFramesLike } from '../support/expectFramesLike.js'

afterEach(closeAll)

const scenarios = [
  { file: '01-txt2img-basic.jsonl', ordered: true },
  { file: '02-txt2img-cached.jsonl', ordered: true },
  { file: '04-validation-error.jsonl', ordered: true },
  { file: '05-runtime-error.jsonl', ordered: true },
  { file: '06-interrupt.jsonl', ordered: true },
  { file: '07-queue-three.jsonl', ordered: false },
  { file: '08-cancel-pending.jsonl', ordered: false },
  { file: '09-inpaint.jsonl', ordered: true },
  { file: '10-two-clients.jsonl', ordered: true },
  { file: '13-preview-metadata.jsonl', ordered: true },
  { file: '14-no-client-id.jsonl', ordered: true },
]

describe('replay mode', () => {
  it.each(scenarios)('reproduces $file', async ({ file, ordered }) => {
    const recording = loadRecording(file)
    // Recorded time runs 20× faster; 08 slower, so that its client deletes prompt 2 while it waits.
    const speed = file.startsWith('08') ? 5 : 20
    const sim = await startSim({ recording, speed })
    const driven = await driveRecording(sim, recording)
    expectFramesLike(recording, driven, { ordered })
    for (const { recorded, status, body } of driven.exchanges.filter((e) => e.recorded.path === '/prompt')) {
      expect(status).toBe(recorded.status)
      if (status === 400) expect(body).toEqual(recorded.response)
    }
  })

  it('loads a recording from a path, maps ids, moves timestamps to now and writes history', async () => {
    const sim = await startSim({ recording: `${FIXTURES_DIR}01-txt2img-basic.jsonl` })
    const client = await connect(sim, { clientId: 'live' })
    const before = Date.now()
    const answer = await postJson(`${sim.url}/prompt`, {
      prompt: loadWorkflow('txt2img-basic.json'),
      client_id: 'live',
      prompt_id: 'live-1',
    })
    expect(answer.body).toEqual({ prompt_id: 'live-1', number: 0, node_errors: {} })
    await client.waitFor(isPromptEnd('live-1'))
    const start = client.frames.find((f) => f.kind === 'text' && f.type === 'execution_start')
    expect(start).toMatchObject({ data: { prompt_id: 'live-1' } })
    expect((start as unknown as { data: { timestamp: number } }).data.timestamp).toBeGreaterThanOrEqual(
      before,
    )
    expect(client.frames.some((f) => f.kind === 'text' && f.raw.includes('281235a4'))).toBe(false)
    const entry = await sim.whenFinished('live-1')
    expect(entry).toMatchObject({
      status: { status_str: 'success', completed: true },
      outputs: { '9': { images: [{ filename: 'txt2img-basic_00001_.png' }] } },
    })
    expect((await fetch(`${sim.url}/view?filename=txt2img-basic_00001_.png`)).status).toBe(200)
  })

  it('interrupts a replay at the next progress step', async () => {
    const sim = await startSim({ recording: loadRecording('03-txt2img-new-seed.jsonl'), speed: 4 })
    const client = await connect(sim, { clientId: 'live' })
    await postJson(`${sim.url}/prompt`, {
      prompt: loadWorkflow('txt2img-basic.json'),
      client_id: 'live',
      prompt_id: 'p',
    })
    await client.waitFor((f) => f.kind === 'text' && f.type === 'progress' && f.data.value === 3)
    await postJson(`${sim.url}/interrupt`, { prompt_id: 'p' })
    const stop = await client.waitFor((f) => f.kind === 'text' && f.type === 'execution_interrupted')
    expect(stop).toMatchObject({ data: { prompt_id: 'p', node_id: '3', node_type: 'KSampler' } })
    const progress = client.frames.filter((f) => f.kind === 'text' && f.type === 'progress')
    expect(progress.at(-1)).toMatchObject({ data: { value: 3 } })
    expect((await sim.whenFinished('p')).status.status_str).toBe('error')
  })

  it('simulates once the recording is used up', async () => {
    const sim = await startSim({ recording: loadRecording('02-txt2img-cached.jsonl') })
    for (const id of ['first', 'second']) {
      await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json'), prompt_id: id })
      expect((await sim.whenFinished(id)).status.status_str).toBe('success')
    }
  })
})
