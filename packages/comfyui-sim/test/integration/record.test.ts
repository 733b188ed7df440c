/**
 * The recorder against the simulator itself: a recorded run parses as a fixtures-format
 * recording, matches what the client received, and replays frame for frame.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseRecording } from '@comfy-progress/core'
import { afterEach, describe, expect, it } from 'vitest'
import { recordComfyUiRun } from '../../src/index.js'
import { runCli } from '../../src/cli.js'
import { FIXTURES_DIR, loadWorkflow } from '../fixtures.js'
import { closeAll, startSim } from '../helpers.js'
import { driveRecording, recordedFrames } from '../support/driveRecording.js'
import { expectFramesLike } from '../support/expectFramesLike.js'
import { signature } from '../support/frameSignatures.js'

const directories: string[] = []
afterEach(async () => {
  await closeAll()
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true })
})

const output = () => {
  let text = ''
  return {
    write: (chunk: string) => (text += chunk),
    get text() {
      return text
    },
  }
}

describe('recordComfyUiRun', () => {
  it('records a run in the fixtures format that replays frame for frame', async () => {
    const live = await startSim()
    const run = await recordComfyUiRun({
      target: live.url,
      clientId: 'recorder',
      featureFlags: { supports_preview_metadata: true },
      workflows: [
        { name: 'txt2img-basic.json', prompt: loadWorkflow('txt2img-basic.json') },
        { name: 'validation-bad-ckpt-name.json', prompt: loadWorkflow('validation-bad-ckpt-name.json') },
      ],
      settleMs: 10,
    })
    const recording = parseRecording(run.text)
    expect(recording.meta).toMatchObject({
      comfyui_version: '0.3.64',
      client_ids: ['recorder'],
      workflows: ['txt2img-basic.json', 'validation-bad-ckpt-name.json'],
    })
    const [promptId] = recording.meta.prompt_ids!
    expect(recording.meta.outcome).toEqual({
      [promptId!]: { terminal: 'execution_success', executing_null_seen: true },
    })
    const frames = recordedFrames(recording, 'recorder')
    expect(frames.filter((f) => f.kind === 'binary')).toHaveLength(20)
    expect(frames.filter((f) => f.kind === 'binary' && f.b64 !== undefined)).toHaveLength(5)
    expect(
      recording.entries.map((e) => (e.ch === 'http' ? `${e.method} ${e.path} ${e.status}` : e.kind)),
    ).toEqual(
      expect.arrayContaining([
        'open',
        'sent',
        'POST /prompt 200',
        'POST /prompt 400',
        'closed',
        `GET /history/${promptId} 200`,
        'GET /queue 200',
      ]),
    )

    const replaying = await startSim({ recording, speed: 1000 })
    const driven = await driveRecording(replaying, recording)
    expectFramesLike(recording, driven, { ordered: true })
    expect(driven.frames.get('recorder')!.map(signature)).toContain('binary:4')
  })

  it('fails with SIM_RECORD_FAILED when the target is unreachable', async () => {
    const sim = await startSim()
    const { url } = sim
    await sim.close()
    await expect(
      recordComfyUiRun({ target: url, workflows: [loadWorkflow('txt2img-basic.json')] }),
    ).rejects.toMatchObject({
      code: 'SIM_RECORD_FAILED',
      details: { stage: 'connect' },
    })
  })
})

describe('the comfyui-sim CLI', () => {
  it('records with `record` and serves the recording with `serve --recording`', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'comfyui-sim-'))
    directories.push(directory)
    const live = await startSim()
    const out = join(directory, 'run.jsonl')
    const stdout = output()
    const code = await runCli(
      [
        'record',
        '--target',
        live.url,
        '--workflow',
        `${FIXTURES_DIR}workflows/txt2img-basic.json`,
        '--out',
        out,
        '--client-id',
        'cli',
      ],
      { stdout, stderr: output() },
    )
    expect([code, stdout.text]).toEqual([
      0,
      expect.stringMatching(/^recorded \d+ frames of 1 prompt\(s\) to /),
    ])
    expect(parseRecording(await readFile(out, 'utf8')).meta.client_ids).toEqual(['cli'])

    const stop = new AbortController()
    const served = output()
    const serving = runCli(['serve', '--port', '0', '--speed', '100', '--recording', out], {
      stdout: served,
      stderr: output(),
      signal: stop.signal,
    })
    while (!served.text.includes('listening')) await new Promise((resolve) => setTimeout(resolve, 5))
    const url = /on (http:\/\/\S+)/.exec(served.text)![1]!
    expect((await fetch(`${url}/system_stats`)).status).toBe(200)
    stop.abort()
    expect(await serving).toBe(0)
  })

  it('exits with 1 and the usage for bad arguments', async () => {
    const stderr = output()
    expect(await runCli(['--speed', 'fast'], { stdout: output(), stderr })).toBe(1)
    expect(stderr.text).toContain('Usage:')
    expect(
      await runCli(['record', '--target', 'http://127.0.0.1:1'], { stdout: output(), stderr: output() }),
    ).toBe(1)
    expect(await runCli(['--bogus'], { stdout: output(), stderr: output() })).toBe(1)
  })
})
