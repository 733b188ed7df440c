/**
 * Who receives what (comfyui-protocol.md §1.2, fixtures README §6–7): submitter-only frames,
 * broadcasts, prompts without client_id, the on-connect status, the reconnect replay, and the
 * feature_flags handshake that decides between type-1 and type-4 previews.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { loadWorkflow } from '../fixtures.js'
import {
  closeAll,
  type Frame,
  connect,
  frameName,
  isPromptEnd,
  postJson,
  startSim,
  until,
} from '../helpers.js'

afterEach(closeAll)

const workflow = () => loadWorkflow('txt2img-basic.json')

async function submit(url: string, body: Record<string, unknown>): Promise<string> {
  const answer = await postJson(`${url}/prompt`, { prompt: workflow(), ...body })
  expect(answer.status).toBe(200)
  return (answer.body as { prompt_id: string }).prompt_id
}

describe('delivery rules', () => {
  it('sends an idle observer only status frames (10)', async () => {
    const sim = await startSim()
    const observer = await connect(sim, { clientId: 'observer' })
    const submitter = await connect(sim, { clientId: 'submitter' })
    const promptId = await submit(sim.url, { client_id: 'submitter' })
    await submitter.waitFor(isPromptEnd(promptId))
    await observer.waitFor((f) => f.kind === 'text' && f.type === 'status' && observer.frames.length >= 4)
    expect(observer.frames.map(frameName)).toEqual(['status', 'status', 'status', 'status'])
    expect(submitter.frames.map(frameName)).toContain('execution_start')
  })

  it('broadcasts progress, progress_state and type-1 previews of a prompt without client_id, and nothing else (14)', async () => {
    const sim = await startSim()
    const observer = await connect(sim, {
      clientId: 'observer',
      featureFlags: { supports_preview_metadata: true },
    })
    const promptId = await submit(sim.url, {})
    await sim.whenFinished(promptId)
    const idle = (f: Frame) =>
      f.kind === 'text' &&
      f.type === 'status' &&
      (f.data.status as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining === 0
    await observer.waitFor(idle, 2)
    const names = new Set(observer.frames.map(frameName))
    expect([...names].sort()).toEqual(['binary:1', 'feature_flags', 'progress', 'progress_state', 'status'])
    const history = await sim.whenFinished(promptId)
    expect(history.prompt[3]).toEqual({})
    expect(history.status.messages.map(([type]) => type)).toEqual([
      'execution_start',
      'execution_cached',
      'execution_success',
    ])
  })

  it('sends type-4 previews before progress to sockets that announced supports_preview_metadata (13)', async () => {
    const sim = await startSim()
    const client = await connect(sim, { clientId: 'meta', featureFlags: { supports_preview_metadata: true } })
    const reply = await client.waitFor((f) => f.kind === 'text' && f.type === 'feature_flags')
    expect(reply).toMatchObject({ data: { supports_preview_metadata: true, max_upload_size: 104857600 } })
    const promptId = await submit(sim.url, { client_id: 'meta' })
    await client.waitFor(isPromptEnd(promptId))
    const names = client.frames.map(frameName)
    const first = names.indexOf('binary:4')
    expect(names.slice(first - 1, first + 2)).toEqual(['progress_state', 'binary:4', 'progress'])
    expect(names).not.toContain('binary:1')
  })

  it('answers feature_flags only when it is the first frame', async () => {
    const sim = await startSim()
    const client = await connect(sim, { clientId: 'late' })
    client.ws.send(JSON.stringify({ type: 'hello', data: {} }))
    client.ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }))
    const promptId = await submit(sim.url, { client_id: 'late' })
    await client.waitFor(isPromptEnd(promptId))
    const names = client.frames.map(frameName)
    expect(names).not.toContain('feature_flags')
    expect(names).toContain('binary:1')
  })

  it('generates a 32-hex sid for a socket without clientId, and uses the given one otherwise', async () => {
    const sim = await startSim()
    const anonymous = await connect(sim)
    expect(anonymous.frames[0]).toMatchObject({
      type: 'status',
      data: { sid: expect.stringMatching(/^[0-9a-f]{32}$/) },
    })
    const named = await connect(sim, { clientId: 'named' })
    expect(named.frames[0]).toMatchObject({
      data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'named' },
    })
    expect(sim.clientIds).toContain('named')
  })

  it('replays `executing {node}` (display id, no prompt id) to the submitter reconnecting mid-run (README §7)', async () => {
    const sim = await startSim({ speed: 2 })
    const first = await connect(sim, { clientId: 'returning' })
    const promptId = await submit(sim.url, { client_id: 'returning' })
    await first.waitFor((f) => f.kind === 'text' && f.type === 'progress' && f.data.value === 2)
    await first.close()
    // ComfyUI's registry hazard: reconnect only once the server has forgotten the old socket.
    await until(() => !sim.clientIds.includes('returning'))
    const second = await connect(sim, { clientId: 'returning' })
    expect(second.frames.slice(0, 2).map((f) => (f.kind === 'text' ? f.data : undefined))).toEqual([
      { status: { exec_info: { queue_remaining: 1 } }, sid: 'returning' },
      { node: '3' },
    ])
    await second.waitFor(isPromptEnd(promptId))
    const stranger = await connect(sim, { clientId: 'stranger' })
    expect(stranger.frames.map(frameName)).toEqual(['status'])
  })

  it('sends every frame to /api/ws too', async () => {
    const sim = await startSim()
    const client = await connect(sim, { clientId: 'api', path: `${sim.url.replace('http', 'ws')}/api/ws` })
    const promptId = await submit(sim.url, { client_id: 'api' })
    await client.waitFor(isPromptEnd(promptId))
    expect(client.frames.map(frameName)).toContain('execution_success')
  })
})
