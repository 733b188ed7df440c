/**
 * Every frame the simulator sends is one core's parser accepts as a known, typed message: the
 * simulator and the SDK agree on the protocol.
 */
import { parseMessage } from '@comfy-progress/core'
import { afterEach, expect, it } from 'vitest'
import { loadWorkflow } from '../fixtures.js'
import { closeAll, connect, isPromptEnd, postJson, startSim } from '../helpers.js'

afterEach(closeAll)

it('sends only frames that parseMessage turns into known messages', async () => {
  const sim = await startSim()
  const legacy = await connect(sim, { clientId: 'legacy' })
  const modern = await connect(sim, { clientId: 'modern', featureFlags: { supports_preview_metadata: true } })
  sim.faults.failNode({ classType: 'SaveImage' })
  for (const [client, workflow] of [
    ['legacy', 'txt2img-basic.json'],
    ['modern', 'txt2img-new-seed.json'],
    ['modern', 'runtime-error-latent-channels.json'],
  ] as const) {
    const { prompt_id } = (
      await postJson(`${sim.url}/prompt`, { prompt: loadWorkflow(workflow), client_id: client })
    ).body as { prompt_id: string }
    await (client === 'legacy' ? legacy : modern).waitFor(isPromptEnd(prompt_id))
  }
  const types = new Set<string>()
  for (const frame of [...legacy.frames, ...modern.frames]) {
    const result = parseMessage(frame.kind === 'text' ? frame.raw : new Uint8Array(frame.bytes))
    expect(result.ok, frame.kind === 'text' ? frame.raw : `binary ${frame.eventType}`).toBe(true)
    if (!result.ok) continue
    expect(result.message.type).not.toBe('unknown')
    if (result.message.type === 'preview_image') expect(result.message.mimeType).toBe('image/jpeg')
    types.add(
      result.message.type === 'preview_image'
        ? `preview_image:${result.message.eventType}`
        : result.message.type,
    )
  }
  expect([...types].sort()).toEqual([
    'executed',
    'executing',
    'execution_cached',
    'execution_error',
    'execution_start',
    'execution_success',
    'feature_flags',
    'preview_image:1',
    'preview_image:4',
    'progress',
    'progress_state',
    'status',
  ])
})
