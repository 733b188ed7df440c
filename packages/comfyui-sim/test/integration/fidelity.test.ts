/**
 * FIDELITY: the simulator, driven exactly as each recording's client drove the real ComfyUI 0.3.64,
 * sends the same frames. The recordings were made in order against one server process, with caches
 * carrying over, so this suite replays them in the same order against one simulator (scenarios 11
 * and 12 are not in the fixtures; their prompts, kept in 99-final-snapshots' history, are submitted
 * in their place so that 13 starts from the same cache).
 *
 * Per client and per prompt, the sequence of frame signatures (type plus node ids, progress values,
 * cached nodes, output file names, error types) must equal the recording's. For single-prompt
 * scenarios the whole sequence, `status` frames included, must be equal too.
 */
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ComfyUiSim } from '../../src/index.js'
import { loadRecording } from '../fixtures.js'
import { closeAll, postJson, startSim } from '../helpers.js'
import { driveRecording } from '../support/driveRecording.js'
import { expectFramesLike } from '../support/expectFramesLike.js'

interface Scenario {
  readonly file: string
  /** Simulation speed: slow enough where the recorded client reacted to a frame mid-run. */
  readonly speed: number
  /** Whether the whole per-client sequence (status frames included) is deterministic. */
  readonly ordered: boolean
}

const scenarios: readonly Scenario[] = [
  { file: '01-txt2img-basic.jsonl', speed: 1000, ordered: true },
  { file: '02-txt2img-cached.jsonl', speed: 1000, ordered: true },
  { file: '03-txt2img-new-seed.jsonl', speed: 1000, ordered: true },
  { file: '04-validation-error.jsonl', speed: 1000, ordered: true },
  { file: '05-runtime-error.jsonl', speed: 1000, ordered: true },
  { file: '06-interrupt.jsonl', speed: 0.5, ordered: true },
  { file: '07-queue-three.jsonl', speed: 1000, ordered: false },
  { file: '08-cancel-pending.jsonl', speed: 5, ordered: false },
  { file: '09-inpaint.jsonl', speed: 1000, ordered: true },
  { file: '10-two-clients.jsonl', speed: 1000, ordered: true },
  { file: '13-preview-metadata.jsonl', speed: 1000, ordered: true },
  { file: '14-no-client-id.jsonl', speed: 1000, ordered: true },
]

let sim: ComfyUiSim

beforeAll(async () => {
  sim = await startSim({ speed: 1000 })
})
afterAll(closeAll)

describe.sequential('the simulator reproduces every recorded scenario', () => {
  it.each(scenarios)('$file', async ({ file, speed, ordered }) => {
    if (file.startsWith('13-')) await replayMissingScenarios(sim)
    sim.setSpeed(speed)
    const recording = loadRecording(file)
    const driven = await driveRecording(sim, recording)
    const rename = (id: string): string => driven.promptIds.get(id) ?? id
    expectFramesLike(recording, driven, { ordered })

    for (const { recorded, status, body } of driven.exchanges) {
      const what = `${recorded.method} ${recorded.path}`
      expect(status, what).toBe(recorded.status)
      if (recorded.path === '/prompt' && recorded.method === 'POST') {
        if (status === 400) expect(body, what).toEqual(recorded.response)
        else
          expect(body, what).toMatchObject({
            number: (recorded.response as { number: number }).number,
            node_errors: {},
          })
      } else if (recorded.path === '/upload/image') {
        expect(body, what).toEqual(recorded.response)
      } else if (recorded.path === '/queue' && recorded.method === 'GET') {
        expect(queueShape(body), what).toEqual(queueShape(recorded.response, rename))
      } else if (recorded.path.startsWith('/history/')) {
        expect(historyShape(body), what).toEqual(historyShape(recorded.response, rename))
      }
    }
    for (const { recorded, bytes } of driven.exchanges.filter((e) => e.recorded.path === '/view')) {
      expect(recorded.content_type).toBe('image/png')
      expect(PNG.sync.read(bytes).width).toBeGreaterThan(0)
    }
  })
})

/** Scenarios 11 and 12 are not in the fixtures; their prompts are in the final history snapshot. */
async function replayMissingScenarios(target: ComfyUiSim): Promise<void> {
  const snapshot = loadRecording('99-final-snapshots.jsonl').entries.find(
    (e) => e.ch === 'http' && e.path === '/history',
  )
  const history = (
    snapshot as { response: Record<string, { prompt: [number, string, unknown, { client_id?: string }] }> }
  ).response
  for (const { prompt } of Object.values(history).filter(
    (entry) => entry.prompt[0] === 21 || entry.prompt[0] === 22,
  )) {
    const answer = await postJson(`${target.url}/prompt`, {
      prompt: prompt[2],
      client_id: prompt[3].client_id,
    })
    expect(answer.body).toMatchObject({ number: prompt[0] })
    await target.whenFinished((answer.body as { prompt_id: string }).prompt_id)
  }
}

function queueShape(body: unknown, rename: (id: string) => string = (id) => id): unknown {
  const queue = body as { queue_running: unknown[][]; queue_pending: unknown[][] }
  const item = (entry: unknown[]) => [entry[0], rename(String(entry[1])), entry[3], entry[4]]
  return { running: queue.queue_running.map(item), pending: queue.queue_pending.map(item) }
}

function historyShape(body: unknown, rename: (id: string) => string = (id) => id): unknown {
  return Object.fromEntries(
    Object.entries(body as Record<string, Record<string, unknown>>).map(([id, entry]) => {
      const status = entry.status as {
        status_str: string
        completed: boolean
        messages: [string, Record<string, unknown>][]
      }
      const prompt = entry.prompt as unknown[]
      return [
        rename(id),
        {
          keys: Object.keys(entry),
          prompt: [prompt[0], rename(String(prompt[1])), prompt[2], prompt[3], prompt[4]],
          outputs: entry.outputs,
          meta: entry.meta,
          status: status.status_str,
          completed: status.completed,
          messages: status.messages.map(([type, data]) => [
            type,
            Object.keys(data),
            data.node_id,
            data.exception_type,
            Array.isArray(data.executed) ? [...(data.executed as string[])].sort() : undefined,
          ]),
        },
      ]
    }),
  )
}
