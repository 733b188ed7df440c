/**
 * Starting, controlling and stopping the simulator: option errors, the speed factor (observed
 * through an injected clock, not measured), pause/resume, and a close() that leaves no handle.
 */
import { isComfyProgressError } from '@comfy-progress/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createComfyUiSim, recordedTiming } from '../../src/index.js'
import { loadWorkflow } from '../fixtures.js'
import { closeAll, connect, getJson, postJson, startSim } from '../helpers.js'

afterEach(closeAll)

const expectCode = async (promise: Promise<unknown>, code: string) => {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isComfyProgressError(error), String(error)).toBe(true)
  expect((error as { code: string }).code).toBe(code)
}

describe('options', () => {
  it.each([
    [{ speed: 0 }],
    [{ speed: Number.NaN }],
    [{ port: 70000 }],
    [{ host: '' }],
    [{ maxUploadSize: -1 }],
    [{ recording: 42 as never }],
  ])('rejects %j with SIM_OPTIONS_INVALID', async (options) => {
    await expectCode(createComfyUiSim(options), 'SIM_OPTIONS_INVALID')
  })

  it('rejects a recording file that does not exist, or is not a recording', async () => {
    await expectCode(createComfyUiSim({ recording: '/nonexistent/run.jsonl' }), 'SIM_OPTIONS_INVALID')
    await expectCode(createComfyUiSim({ recording: new URL(import.meta.url).pathname }), 'RECORDING_INVALID')
  })

  it('rejects a port in use with SIM_LISTEN_FAILED', async () => {
    const first = await startSim()
    await expectCode(createComfyUiSim({ port: first.port }), 'SIM_LISTEN_FAILED')
  })

  it('rejects a bad speed at run time too', async () => {
    const sim = await startSim()
    expect(() => sim.setSpeed(-1)).toThrow(expect.objectContaining({ code: 'SIM_OPTIONS_INVALID' }))
  })
})

describe('speed', () => {
  it('divides every recorded duration by the speed factor', async () => {
    const run = async (speed: number): Promise<number> => {
      const waits: number[] = []
      const sim = await startSim({
        speed,
        clock: { now: Date.now, sleep: (ms) => Promise.resolve(void waits.push(ms)) },
      })
      const { prompt_id } = (
        await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json') })
      ).body as {
        prompt_id: string
      }
      await sim.whenFinished(prompt_id)
      return waits.reduce((sum, ms) => sum + ms, 0)
    }
    const { nodeMs, firstStepMs, stepMs, lastStepMs, pickupMs } = recordedTiming
    const recorded =
      pickupMs +
      nodeMs.CheckpointLoaderSimple! +
      nodeMs.EmptyLatentImage! +
      2 * nodeMs.CLIPTextEncode! +
      firstStepMs +
      19 * stepMs +
      lastStepMs +
      nodeMs.VAEDecode! +
      nodeMs.SaveImage!
    expect(await run(10)).toBeCloseTo(recorded / 10)
    expect(await run(40)).toBeCloseTo(recorded / 40)
  })
})

describe('controls', () => {
  it('pauses the queue (prompts stay pending) and resumes it', async () => {
    const sim = await startSim()
    sim.pause()
    const { prompt_id } = (
      await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json') })
    ).body as {
      prompt_id: string
    }
    await sim.whenIdle()
    const queue = (await getJson(`${sim.url}/queue`)) as {
      queue_running: unknown[]
      queue_pending: unknown[][]
    }
    expect([queue.queue_running, queue.queue_pending.map((item) => item.slice(0, 2))]).toEqual([
      [],
      [[0, prompt_id]],
    ])
    sim.resume()
    await sim.whenFinished(prompt_id)
    await sim.whenIdle()
    expect(await getJson(`${sim.url}/queue`)).toEqual({ queue_running: [], queue_pending: [] })
  })
})

describe('close', () => {
  const count = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length

  it('closes the server, every socket and every timer, mid-run, and is idempotent', async () => {
    const timers = count('Timeout')
    const sim = await createComfyUiSim({ speed: 1 })
    const servers = count('TCPServerWrap')
    const client = await connect(sim, { clientId: 'c' })
    await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json'), client_id: 'c' })
    await client.waitFor((f) => f.kind === 'text' && f.type === 'executing')
    await sim[Symbol.asyncDispose]()
    await sim.close()
    await client.closed
    expect(count('TCPServerWrap')).toBe(servers - 1)
    expect(count('Timeout')).toBeLessThanOrEqual(timers)
    await expect(fetch(`${sim.url}/prompt`)).rejects.toThrow()
    await expectCode(sim.restart(), 'SIM_OPTIONS_INVALID')
  })
})
