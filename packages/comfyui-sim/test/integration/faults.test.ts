/**
 * Fault injection: each fault does what it says, and the simulator recovers afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loadWorkflow } from '../fixtures.js'
import { closeAll, connect, frameName, getJson, isPromptEnd, postJson, startSim, until } from '../helpers.js'

afterEach(closeAll)

const submit = async (url: string, body: Record<string, unknown>) =>
  (await postJson(`${url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json'), ...body })).body as {
    prompt_id: string
  }

describe('faults', () => {
  it('drops the submitter’s socket at a sampler step; the prompt still finishes', async () => {
    const sim = await startSim()
    sim.faults.dropSocketAt({ step: 3 })
    const client = await connect(sim, { clientId: 'dropped' })
    const { prompt_id } = await submit(sim.url, { client_id: 'dropped' })
    await client.closed
    const progress = client.frames.filter((f) => f.kind === 'text' && f.type === 'progress')
    expect(progress.at(-1)).toMatchObject({ data: { value: 3 } })
    expect((await sim.whenFinished(prompt_id)).status.status_str).toBe('success')
  })

  it('refuses WebSocket connections with 503 or a TCP reset, then accepts again', async () => {
    const sim = await startSim()
    sim.faults.refuseConnections({ count: 1 })
    await expect(connect(sim, { clientId: 'a' })).rejects.toThrow('503')
    sim.faults.refuseConnections({ count: 1, mode: 'reset' })
    await expect(connect(sim, { clientId: 'a' })).rejects.toThrow()
    const client = await connect(sim, { clientId: 'a' })
    expect(client.frames.map(frameName)).toEqual(['status'])
  })

  it('answers the next matching requests with 500', async () => {
    const sim = await startSim()
    sim.faults.failHttp({ route: '/prompt', method: 'POST', count: 1 })
    const failed = await fetch(`${sim.url}/api/prompt`, { method: 'POST', body: '{}' })
    expect([failed.status, await failed.text()]).toEqual([
      500,
      '500 Internal Server Error\n\nServer got itself in trouble',
    ])
    expect((await fetch(`${sim.url}/prompt`)).status).toBe(200)
    expect((await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json') })).status).toBe(
      200,
    )
  })

  it('delays frames without reordering them', async () => {
    const sequence = async (delayMs: number) => {
      const sim = await startSim()
      const client = await connect(sim, { clientId: 'c' })
      if (delayMs > 0) sim.faults.delayFrames({ clientId: 'c', delayMs })
      const { prompt_id } = await submit(sim.url, { client_id: 'c' })
      await client.waitFor(isPromptEnd(prompt_id))
      return client.frames.map(frameName)
    }
    expect(await sequence(5)).toEqual(await sequence(0))
  })

  it('corrupts the next text frame into invalid JSON, then sends valid frames again', async () => {
    const sim = await startSim()
    const client = await connect(sim, { clientId: 'torn' })
    sim.faults.corruptNextFrame({ clientId: 'torn' })
    const { prompt_id } = await submit(sim.url, { client_id: 'torn' })
    await client.waitFor(isPromptEnd(prompt_id))
    expect(client.frames[1]).toMatchObject({
      type: '(invalid)',
      raw: expect.stringMatching(/^\{"type": "status"/),
    })
    expect(client.frames.filter((f) => f.kind === 'text' && f.type === '(invalid)')).toHaveLength(1)
  })

  it('makes a node fail with execution_error, then works again', async () => {
    const sim = await startSim()
    const client = await connect(sim, { clientId: 'f' })
    sim.faults.failNode({
      classType: 'VAEDecode',
      exceptionType: 'torch.OutOfMemoryError',
      exceptionMessage: 'out of memory\n',
    })
    const { prompt_id } = await submit(sim.url, { client_id: 'f' })
    const error = await client.waitFor((f) => f.kind === 'text' && f.type === 'execution_error')
    expect(error).toMatchObject({
      data: {
        prompt_id,
        node_id: '8',
        node_type: 'VAEDecode',
        exception_type: 'torch.OutOfMemoryError',
        exception_message: 'out of memory\n',
      },
    })
    expect(await sim.whenFinished(prompt_id)).toMatchObject({
      outputs: {},
      status: { status_str: 'error', completed: false },
    })
    const again = await submit(sim.url, { client_id: 'f' })
    expect((await sim.whenFinished(again.prompt_id)).status.status_str).toBe('success')
  })

  it('restarts on the same port: sockets closed, queue, history and caches forgotten, numbers from 0', async () => {
    const sim = await startSim({ speed: 5 })
    const client = await connect(sim, { clientId: 'r' })
    const done = await submit(sim.url, { client_id: 'r', prompt_id: 'before' })
    await sim.whenFinished(done.prompt_id)
    const prompt = loadWorkflow('txt2img-new-seed.json')
    await postJson(`${sim.url}/prompt`, { prompt, client_id: 'r', prompt_id: 'running' })
    await postJson(`${sim.url}/prompt`, { prompt, client_id: 'r', prompt_id: 'pending' })
    await client.waitFor((f) => f.kind === 'text' && f.type === 'progress')
    const restarted = sim.restart({ downtimeMs: 50 })
    await client.closed
    await until(() => sim.clientIds.length === 0)
    await restarted
    expect(await getJson(`${sim.url}/history/before`)).toEqual({})
    expect(await getJson(`${sim.url}/queue`)).toEqual({ queue_running: [], queue_pending: [] })
    const again = await connect(sim, { clientId: 'r' })
    sim.setSpeed(1000)
    const answer = (
      await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow('txt2img-basic.json'), client_id: 'r' })
    ).body
    expect(answer).toMatchObject({ number: 0 })
    const { prompt_id } = answer as { prompt_id: string }
    await again.waitFor(isPromptEnd(prompt_id))
    const cached = again.frames.find((f) => f.kind === 'text' && f.type === 'execution_cached')
    expect(cached).toMatchObject({ data: { nodes: [] } })
  })
})
