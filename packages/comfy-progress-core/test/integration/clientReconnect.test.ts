/**
 * Reconnection and reconciliation over real sockets, against the simulator's fault injection, with a
 * hand-driven client clock (the simulator runs in real time): a prompt that finishes while the socket
 * is down ends once, from history; one still running resumes; a restart that loses prompts ends them
 * with COMFY_PROMPT_LOST; a 500 during reconciliation is retried.
 */
import { createComfyUiSim, type ComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, describe, expect, it } from 'vitest'
import type { PromptEvent } from '../../src/client/PromptEvent.js'
import type { ComfyProgressError } from '../../src/errors/ComfyProgressError.js'
import { loadWorkflow } from '../helpers.js'
import { createHarness, type Harness } from './support/clientHarness.js'
import { until } from './support/manualTimers.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

async function sim(speed: number): Promise<ComfyUiSim> {
  const s = await createComfyUiSim({ speed })
  cleanup.push(() => s.close())
  return s
}
function harness(baseUrl: string): Harness {
  const h = createHarness(baseUrl)
  cleanup.push(() => h.client.close())
  return h
}
function seeded(seed: number) {
  const workflow = structuredClone(loadWorkflow('txt2img-basic.json'))
  workflow['3']!.inputs.seed = seed
  return workflow
}
function recorder() {
  const events: PromptEvent[] = []
  return {
    events,
    listener: (event: PromptEvent) => void events.push(event),
    ends: () => events.filter((e) => e.type === 'end'),
    steps: () =>
      events.flatMap((e) =>
        e.type === 'message' && e.message.type === 'progress' ? [e.message.data.value] : [],
      ),
  }
}

describe('reconnect and reconcile', () => {
  it('ends a prompt that finished while the socket was down exactly once, from history', async () => {
    const s = await sim(100)
    const h = harness(s.url)
    await h.client.connect()
    s.faults.dropSocketAt({ step: 5, clientId: h.client.clientId })
    const r = recorder()
    const prompt = await h.client.submit(seeded(1), { listener: r.listener })
    await until(() => h.client.state === 'reconnecting', 10_000, 'the drop')
    await s.whenFinished(prompt.promptId) // it finishes while we are away
    expect(r.ends()).toEqual([])
    h.clock.fireNext() // the backoff timer: reconnect
    await until(() => r.ends().length === 1, 5000, 'the end')
    const end = r.ends()[0]!
    expect(end).toMatchObject({
      outcome: { status: 'success', source: 'history', message: { type: 'execution_success' } },
    })
    expect(
      end.type === 'end' && end.outcome.status === 'success' && end.outcome.outputs['9']?.images,
    ).toHaveLength(1)
    expect(Math.max(...r.steps())).toBe(5) // nothing after the drop was received live
    expect(h.log).toContainEqual(
      expect.objectContaining({ type: 'reconcile', promptId: prompt.promptId, result: 'finished' }),
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(r.ends()).toHaveLength(1)
    expect(await prompt.done).toBe(end.type === 'end' ? end.outcome : null)
  })

  it('resumes a prompt still running after a reconnect: the replay is attributed, the end comes live, once', async () => {
    const s = await sim(1)
    const h = harness(s.url)
    await h.client.connect()
    s.faults.dropSocketAt({ step: 3, clientId: h.client.clientId })
    const r = recorder()
    const prompt = await h.client.submit(seeded(2), { listener: r.listener })
    await until(() => h.client.state === 'reconnecting', 10_000, 'the drop')
    h.clock.fireNext()
    await until(() => r.events.some((e) => e.type === 'resumed'), 5000, 'resumed')
    expect(r.events.find((e) => e.type === 'resumed')).toEqual({
      type: 'resumed',
      promptId: prompt.promptId,
      state: 'running',
      position: 0,
    })
    const outcome = await prompt.done
    expect(outcome).toMatchObject({ status: 'success', source: 'live' })
    // The reconnect replay `executing {node}` (no prompt_id) was routed to this prompt.
    expect(
      r.events.some(
        (e) =>
          e.type === 'message' && e.message.type === 'executing' && e.message.data.prompt_id === undefined,
      ),
    ).toBe(true)
    expect(r.ends()).toHaveLength(1)
    expect(outcome.status === 'success' && outcome.outputs['9']?.images).toHaveLength(1) // filled from history
  })

  it('ends prompts a restart lost (running and pending) with COMFY_PROMPT_LOST', async () => {
    const s = await sim(1)
    const h = harness(s.url)
    await h.client.connect()
    const running = recorder()
    const first = await h.client.submit(seeded(3), { listener: running.listener })
    const second = await h.client.submit(seeded(4))
    await until(() => running.steps().length > 0, 10_000, 'a step')
    await s.restart()
    await until(() => h.client.state === 'reconnecting', 5000, 'the drop')
    h.clock.fireNext()
    const [a, b] = await Promise.all([first.done, second.done])
    for (const outcome of [a, b]) {
      expect(outcome.status).toBe('abandoned')
      expect(outcome.status === 'abandoned' && outcome.error.code).toBe('COMFY_PROMPT_LOST')
    }
    expect(running.ends()).toHaveLength(1)
  })

  it('retries reconciliation with backoff when /history answers 500 in the middle of it', async () => {
    const s = await sim(100)
    const h = harness(s.url)
    const errors: ComfyProgressError[] = []
    h.client.on('error', (e) => errors.push(e))
    await h.client.connect()
    s.faults.dropSocketAt({ step: 2, clientId: h.client.clientId })
    const r = recorder()
    const prompt = await h.client.submit(seeded(5), { listener: r.listener })
    await until(() => h.client.state === 'reconnecting', 10_000, 'the drop')
    await s.whenFinished(prompt.promptId)
    s.faults.failHttp({ route: /^\/history\//, status: 500, count: 1 })
    h.clock.fireNext()
    await until(() => errors.length === 1, 5000, 'the failed reconciliation')
    expect(errors[0]).toMatchObject({ code: 'COMFY_HTTP_ERROR', details: { status: 500 } })
    expect(r.ends()).toEqual([])
    expect(h.clock.pendingDelays()).toContain(1000) // the reconciliation retry, through the backoff
    h.clock.fireNext()
    await until(() => r.ends().length === 1, 5000, 'the end')
    expect(r.ends()[0]).toMatchObject({ outcome: { status: 'success', source: 'history' } })
  })

  it('reconnects after refused connections (503 on upgrade) and then reconciles', async () => {
    const s = await sim(100)
    const h = harness(s.url)
    await h.client.connect()
    s.faults.refuseConnections({ count: 3 })
    s.faults.dropSocketAt({ step: 2, clientId: h.client.clientId })
    const prompt = await h.client.submit(seeded(6))
    await until(() => h.client.state === 'reconnecting', 10_000, 'the drop')
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      h.clock.fireNext()
      await until(() => h.retryDelays().length === attempt + 1, 5000, `refusal ${attempt}`)
    }
    expect(h.retryDelays()).toEqual([1000, 2000, 4000, 8000])
    h.clock.fireNext()
    expect(await prompt.done).toMatchObject({ status: 'success' })
    expect(h.client.state).toBe('connected')
  })
})
