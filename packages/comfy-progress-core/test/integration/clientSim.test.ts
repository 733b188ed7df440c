/**
 * ComfyClient against the ComfyUI simulator (real HTTP and WebSocket, the recorded protocol): the
 * happy path with previews, many prompts on one connection, validation errors, cancel, and follow by id.
 */
import { createComfyUiSim, type ComfyUiSim } from '@comfy-progress/comfyui-sim'
import { afterEach, describe, expect, it } from 'vitest'
import { ComfyClient } from '../../src/client/ComfyClient.js'
import type { PromptEvent } from '../../src/client/PromptEvent.js'
import type { ComfyProgressError } from '../../src/errors/ComfyProgressError.js'
import type { ComfyMessage } from '../../src/protocol/ComfyMessage.js'
import { loadWorkflow } from '../helpers.js'
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
function client(baseUrl: string): ComfyClient {
  const c = new ComfyClient({ baseUrl })
  cleanup.push(() => c.close())
  return c
}

/** The prompt id a frame names, if any (type-4 previews name it in their metadata). */
function promptIdOf(message: ComfyMessage): string | undefined {
  if (message.type === 'preview_image') return message.metadata?.prompt_id
  if (message.type === 'progress_text' || message.type === 'unknown' || message.type === 'unknown_binary')
    return undefined
  return (message.data as { prompt_id?: string }).prompt_id
}

const txt2img = () => loadWorkflow('txt2img-basic.json')
/** The same graph with another seed, so nothing is cached and every prompt really runs. */
function seeded(seed: number) {
  const workflow = structuredClone(txt2img())
  workflow['3']!.inputs.seed = seed
  return workflow
}

describe('ComfyClient on the simulator', () => {
  it('follows a prompt from submit to one end, with type-4 previews after the handshake', async () => {
    const s = await sim(50)
    const c = client(s.url)
    const queue: (number | null)[] = []
    c.on('queue', (remaining) => queue.push(remaining))
    await c.connect()
    const events: PromptEvent[] = []
    const prompt = await c.submit(seeded(1), { listener: (event) => events.push(event) })
    expect(prompt.promptId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(prompt.nodeErrors).toEqual({})
    const outcome = await prompt.done
    expect(outcome).toMatchObject({
      status: 'success',
      source: 'live',
      message: { type: 'execution_success' },
    })

    const messages = events.flatMap((e) => (e.type === 'message' ? [e.message] : []))
    expect(messages[0]?.type).toBe('execution_start')
    expect(messages.every((m) => promptIdOf(m) === prompt.promptId)).toBe(true)
    const previews = messages.filter((m) => m.type === 'preview_image')
    expect(previews.length).toBe(20)
    expect(
      previews.every((m) => m.type === 'preview_image' && m.eventType === 4 && m.mimeType === 'image/jpeg'),
    ).toBe(true)
    expect(events.filter((e) => e.type === 'end')).toHaveLength(1)
    expect(events.at(-1)).toEqual({ type: 'end', promptId: prompt.promptId, outcome })
    expect(c.serverFeatures).toMatchObject({ supports_preview_metadata: true })
    expect(queue).toContain(1)

    const image = outcome.status === 'success' ? outcome.outputs['9']?.images?.[0] : undefined
    expect(image?.filename).toMatch(/\.png$/)
    const file = await c.api.view(image!)
    expect(file.contentType).toBe('image/png')
    expect([...file.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  it('keeps 20 prompts on one connection apart: each gets exactly its own frames and one end', async () => {
    const s = await sim(1000)
    const c = client(s.url)
    await c.connect()
    const events = new Map<string, PromptEvent[]>()
    const prompts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        c.submit(seeded(100 + i), {
          listener: (event) => {
            const list = events.get(event.promptId) ?? []
            list.push(event)
            events.set(event.promptId, list)
          },
        }),
      ),
    )
    const outcomes = await Promise.all(prompts.map((p) => p.done))
    expect(outcomes.every((o) => o.status === 'success')).toBe(true)
    expect(new Set(prompts.map((p) => p.promptId)).size).toBe(20)
    for (const prompt of prompts) {
      const list = events.get(prompt.promptId)!
      const messages = list.flatMap((e) => (e.type === 'message' ? [e.message] : []))
      expect(messages.every((m) => promptIdOf(m) === prompt.promptId)).toBe(true)
      expect(messages.filter((m) => m.type === 'execution_start')).toHaveLength(1)
      expect(messages.filter((m) => m.type === 'preview_image')).toHaveLength(20)
      expect(list.filter((e) => e.type === 'end')).toHaveLength(1)
      expect(list.at(-1)?.type).toBe('end')
    }
  })

  it('replays what a late follower missed: frames buffered since the submit, then live ones', async () => {
    const s = await sim(200)
    const c = client(s.url)
    await c.connect()
    const prompt = await c.submit(seeded(7))
    await until(() => s.clientIds.length === 1)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const types: string[] = []
    prompt.follow((event) => types.push(event.type === 'message' ? event.message.type : event.type))
    await prompt.done
    expect(types[0]).toBe('execution_start')
    expect(types.at(-1)).toBe('end')
    expect(types.filter((t) => t === 'end')).toHaveLength(1)
  })

  it('rejects a workflow ComfyUI refuses with COMFY_VALIDATION_FAILED and its node_errors; no end follows', async () => {
    const s = await sim(100)
    const c = client(s.url)
    await c.connect()
    const events: PromptEvent[] = []
    const error = (await c
      .submit(loadWorkflow('validation-bad-ckpt-name.json'), { listener: (e) => events.push(e) })
      .catch((e: unknown) => e)) as ComfyProgressError
    expect(error.code).toBe('COMFY_VALIDATION_FAILED')
    const details = error.details as {
      error: { type: string }
      node_errors: Record<string, { errors: { type: string }[] }>
    }
    expect(details.error.type).toBe('prompt_outputs_failed_validation')
    expect(details.node_errors['4']?.errors[0]?.type).toBe('value_not_in_list')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events).toEqual([])
  })

  it('cancels a pending prompt (ended as cancelled) and interrupts a running one (ended as interrupted)', async () => {
    const s = await sim(2)
    const c = client(s.url)
    await c.connect()
    s.pause()
    const pending = await c.submit(seeded(11))
    expect(await c.cancel(pending.promptId)).toBe('removed')
    expect(await pending.done).toEqual({ status: 'cancelled' })
    s.resume()
    let stepped = false
    const running = await c.submit(seeded(12), {
      listener: (e) => (stepped ||= e.type === 'message' && e.message.type === 'progress'),
    })
    await until(() => stepped, 10_000, 'a sampler step')
    expect(await c.cancel(running.promptId)).toBe('interrupted')
    expect(await running.done).toMatchObject({
      status: 'interrupted',
      source: 'live',
      message: { type: 'execution_interrupted' },
    })
    expect(await c.cancel(running.promptId)).toBe('not-found')
  })

  it('follows by id a prompt posted elsewhere with this client id, and a finished one from history', async () => {
    const s = await sim(200)
    const c = client(s.url)
    await c.connect()
    const posted = await c.api.submitPrompt(seeded(21), { clientId: c.clientId })
    const ends: PromptEvent[] = []
    const live: string[] = []
    c.follow(posted.prompt_id, (e) => (e.type === 'end' ? ends.push(e) : live.push(e.type)))
    await until(() => ends.length === 1, 10_000, 'the end')
    expect(ends[0]).toMatchObject({ outcome: { status: 'success' } })

    const late: PromptEvent[] = []
    c.follow(posted.prompt_id, (e) => late.push(e))
    await until(() => late.length === 1, 5000, 'the end from history')
    expect(late[0]).toMatchObject({ type: 'end', outcome: { status: 'success', source: 'history' } })

    const unknown: PromptEvent[] = []
    c.follow('00000000-0000-4000-8000-000000000000', (e) => unknown.push(e))
    await until(() => unknown.length === 1, 5000, 'the verdict')
    expect(unknown[0]).toMatchObject({
      type: 'end',
      outcome: { status: 'abandoned', error: { code: 'COMFY_PROMPT_LOST' } },
    })
  })

  it('reports a torn frame as an error event and carries on', async () => {
    const s = await sim(200)
    const c = client(s.url)
    const errors: ComfyProgressError[] = []
    c.on('error', (e) => errors.push(e))
    await c.connect()
    s.faults.corruptNextFrame({ clientId: c.clientId })
    const prompt = await c.submit(seeded(31))
    expect((await prompt.done).status).toBe('success')
    expect(errors.map((e) => e.code)).toEqual(['MESSAGE_NOT_JSON'])
    expect(c.state).toBe('connected')
  })

  it('still gets the outputs of a prompt whose executed frame was torn (read from /history)', async () => {
    const s = await sim(200)
    const c = client(s.url)
    const errors: ComfyProgressError[] = []
    c.on('error', (e) => errors.push(e))
    await c.connect()
    s.faults.corruptNextFrame({ clientId: c.clientId, messageType: 'executed' })
    const prompt = await c.submit(seeded(32))
    const outcome = await prompt.done
    expect(errors.map((e) => e.code)).toEqual(['MESSAGE_NOT_JSON'])
    if (outcome.status !== 'success') throw new Error(`expected success, got ${outcome.status}`)
    // The SaveImage node (9) of the workflow, whose only `executed` frame never parsed.
    expect(outcome.outputs['9']?.images).toHaveLength(1)
  })

  it('ends as an error a prompt whose execution_error frame was torn (not as the success executing null suggests)', async () => {
    const s = await sim(200)
    const c = client(s.url)
    c.on('error', () => {})
    await c.connect()
    s.faults.failNode({ classType: 'VAEDecode' })
    s.faults.corruptNextFrame({ clientId: c.clientId, messageType: 'execution_error' })
    const prompt = await c.submit(seeded(33))
    const outcome = await prompt.done
    expect(outcome).toMatchObject({ status: 'error', source: 'history' })
  })
})
