/**
 * Events per second through ComfyClient, end to end: the simulator runs prompts at full speed (real
 * HTTP and WebSocket on loopback, previews on, in this process) and ComfyClient parses, routes and
 * delivers every frame to per-prompt listeners. The baseline is the least any consumer must do with
 * the same traffic: a bare `ws` socket that JSON-parses text frames and reads binary headers. Same
 * process, same simulator, alternating rounds; the ratio is what matters.
 *
 * Run: `pnpm --filter @comfy-progress/core bench` (or `pnpm bench` at the root).
 */
import { performance } from 'node:perf_hooks'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { WebSocket } from 'ws'
import { ComfyClient } from '../src/client/ComfyClient.js'
import { createClientId } from '../src/client/createClientId.js'
import { loadWorkflow } from '../test/helpers.js'

const PROMPTS = 40
const ROUNDS = 5
const sim = await createComfyUiSim({ speed: 1_000_000 })
let seed = 1

function workflows(): ReturnType<typeof loadWorkflow>[] {
  return Array.from({ length: PROMPTS }, () => {
    const workflow = structuredClone(loadWorkflow('txt2img-basic.json'))
    workflow['3']!.inputs.seed = seed++ // never cached: every prompt really runs its 20 steps
    return workflow
  })
}

interface Round {
  readonly frames: number
  readonly ms: number
}

/** The baseline: a bare socket, JSON.parse per text frame, a header read per binary frame. */
async function bareRound(): Promise<Round> {
  const clientId = createClientId()
  const socket = new WebSocket(`${sim.wsUrl}?clientId=${clientId}`)
  await new Promise((resolve) => socket.once('open', resolve))
  socket.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }))
  let frames = 0
  const finished = new Set<string>()
  let allDone!: () => void
  const done = new Promise<void>((resolve) => (allDone = resolve))
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    frames += 1
    if (isBinary) return void data.readUInt32BE(0)
    const message = JSON.parse(data.toString('utf8')) as { type: string; data: { prompt_id?: string } }
    if (message.type === 'execution_success' && message.data.prompt_id !== undefined) {
      finished.add(message.data.prompt_id)
      if (finished.size === PROMPTS) allDone()
    }
  })
  const start = performance.now()
  await Promise.all(
    workflows().map(async (prompt) => {
      const response = await fetch(`${sim.url}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, client_id: clientId }),
      })
      await response.json()
    }),
  )
  await done
  const ms = performance.now() - start
  socket.close()
  return { frames, ms }
}

/** ComfyClient: parse, route by prompt, deliver to one listener per prompt, end once. */
async function clientRound(): Promise<Round> {
  const client = new ComfyClient({ baseUrl: sim.url })
  await client.connect()
  let events = 0
  const start = performance.now()
  const prompts = await Promise.all(
    workflows().map((workflow) => client.submit(workflow, { listener: () => void (events += 1) })),
  )
  await Promise.all(prompts.map((prompt) => prompt.done))
  const ms = performance.now() - start
  await client.close()
  return { frames: events, ms }
}

const bare: Round[] = []
const viaClient: Round[] = []
await bareRound() // warm-up: JIT, caches, sockets
await clientRound()
for (let round = 0; round < ROUNDS; round += 1) {
  bare.push(await bareRound())
  viaClient.push(await clientRound())
}
await sim.close()

function median(rounds: Round[]): Round {
  return [...rounds].sort((a, b) => a.ms - b.ms)[Math.floor(rounds.length / 2)]!
}
const b = median(bare)
const c = median(viaClient)
const perSecond = (round: Round) => Math.round(round.frames / (round.ms / 1000))
console.table([
  {
    path: 'bare ws (JSON.parse + header)',
    prompts: PROMPTS,
    'frames/events': b.frames,
    ms: Math.round(b.ms),
    'per second': perSecond(b),
  },
  {
    path: 'ComfyClient (parse + route + deliver)',
    prompts: PROMPTS,
    'frames/events': c.frames,
    ms: Math.round(c.ms),
    'per second': perSecond(c),
  },
])
console.log(
  `ComfyClient delivers ${perSecond(c)} events/s from the simulator at full speed; ` +
    `time for the same ${PROMPTS} prompts: ${Math.round((c.ms / b.ms) * 100) / 100}× the bare socket.`,
)
