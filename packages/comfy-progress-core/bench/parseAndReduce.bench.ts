/**
 * Cost of the core's per-frame work (parseMessage + reduceProgress) on every recorded ComfyUI frame,
 * against the least any consumer must do with the same frames (the floor: `JSON.parse` of each text
 * frame; the type header, plus the type-4 metadata JSON, of each binary frame) and against the message
 * handling of the two clients people use today, `@stable-canvas/comfyui-client` and
 * `@saintno/comfyui-sdk` (what exactly runs for each: ./peers.ts). Same process, same frames; the
 * ratios are what matter (target: ≤ 1.5× the floor for text frames). Writes
 * `bench-results/core-peers.json` at the repository root for `scripts/benchReport.mjs`.
 *
 * Run: `pnpm --filter @comfy-progress/core bench` (or `pnpm bench` at the root).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { Bench } from 'tinybench'
import { listRecordings, loadRecording, loadWorkflow, wireFrames } from '../test/helpers.js'
import type { ComfyMessage } from '../src/protocol/ComfyMessage.js'
import { parseMessage } from '../src/protocol/parseMessage.js'
import { initialProgressState, type ProgressState } from '../src/progress/ProgressState.js'
import { reduceProgress } from '../src/progress/reduceProgress.js'
import type { Recording } from '../src/recording/Recording.js'
import { type PeerDriver, type PeerFrame, saintnoDriver, stableCanvasDriver } from './peers.js'

interface Frame {
  readonly t: number
  readonly data: string | Uint8Array
  /** The same frame as `@stable-canvas/comfyui-client`'s socket delivers it (`binaryType: 'arraybuffer'`). */
  readonly arrayBuffer: PeerFrame
  /** The same frame as `ws` delivers it to `@saintno/comfyui-sdk` (default `binaryType`: a Buffer). */
  readonly buffer: PeerFrame
}

interface Session {
  readonly text: Frame[]
  readonly binary: Frame[]
  readonly all: Frame[]
  /** Each prompt's state before its first frame (immutable, so every pass starts from it). */
  readonly initial: ReadonlyMap<string, ProgressState>
  /** The session's prompts, each followed by a progress listener in the peer clients. */
  readonly stableCanvas: PeerDriver
  readonly saintno: PeerDriver
}

const sessions: Session[] = listRecordings().map((name) => {
  const recording = loadRecording(name)
  const ids = (recording.meta.prompt_ids ?? []) as string[]
  const workflows = (recording.meta.workflows ?? []) as string[]
  const initial = new Map(
    ids.map((promptId, i) => [
      promptId,
      initialProgressState({ workflow: loadWorkflow(workflows[i]!), promptId }),
    ]),
  )
  const all = framesOf(recording)
  return {
    text: all.filter((frame) => typeof frame.data === 'string'),
    binary: all.filter((frame) => typeof frame.data !== 'string'),
    all,
    initial,
    stableCanvas: stableCanvasDriver(ids),
    saintno: saintnoDriver(ids),
  }
})

/**
 * Every server→client frame. A recording keeps the bytes of the first few previews per file only; the
 * others are rebuilt at their real length from a kept preview of the same type and file (header, type-4
 * metadata and the JPEG's start), then zeros. Rebuilt from `head_hex` alone, a type-4 frame's metadata
 * would be zeros, which parseMessage rejects early: an unfair shortcut.
 */
function framesOf(recording: Recording): Frame[] {
  const kept = new Map<number, Uint8Array>()
  for (const { frame } of wireFrames(recording)) {
    if (typeof frame !== 'string') kept.set(eventType(frame), frame)
  }
  return wireFrames(recording, { includeDroppedBinary: true }).map(({ t, frame, entry }) => {
    if (typeof frame === 'string' || (entry.kind === 'binary' && entry.b64 !== undefined))
      return withPeerCopies(t, frame)
    const template = kept.get(eventType(frame))
    if (template === undefined) return withPeerCopies(t, frame)
    const view = new DataView(template.buffer, template.byteOffset, template.byteLength)
    const header = eventType(template) === 4 ? 8 + view.getUint32(4) : 8
    const bytes = new Uint8Array(frame.length)
    bytes.set(template.subarray(0, Math.min(frame.length, header + 64)))
    return withPeerCopies(t, bytes)
  })
}

/** Made once, outside the timed passes, as each socket would have made it before calling the client. */
function withPeerCopies(t: number, data: string | Uint8Array): Frame {
  if (typeof data === 'string') return { t, data, arrayBuffer: data, buffer: data }
  const arrayBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer
  return { t, data, arrayBuffer, buffer: Buffer.from(arrayBuffer.slice(0)) }
}

function eventType(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0)
}

let sink = 0

/** What a server does with each frame: parse it, route it by prompt id, fold it into that prompt's state. */
function parseAndReduce(pick: (session: Session) => Frame[]): void {
  for (const session of sessions) {
    const states = new Map(session.initial)
    let current: string | undefined
    for (const { t, data } of pick(session)) {
      const parsed = parseMessage(data)
      if (!parsed.ok) throw parsed.error // every recorded frame parses; a failure would skew the numbers
      const promptId = promptIdOf(parsed.message) ?? current
      if (promptId === undefined) continue
      const state = states.get(promptId)
      if (state === undefined) continue
      current = promptId
      const next = reduceProgress(state, parsed.message, t)
      if (next !== state) states.set(promptId, next)
    }
    for (const state of states.values()) sink += state.percentage
  }
}

/** parseMessage alone, to show how the cost splits between parsing and reducing. */
function parseOnly(pick: (session: Session) => Frame[]): void {
  for (const session of sessions) for (const { data } of pick(session)) sink += parseMessage(data).ok ? 1 : 0
}

function promptIdOf(message: ComfyMessage): string | undefined {
  if (!('data' in message) || typeof message.data !== 'object' || message.data === null) return undefined
  const promptId = (message.data as { prompt_id?: unknown }).prompt_id
  return typeof promptId === 'string' ? promptId : undefined
}

const utf8 = new TextDecoder()

/** The bare minimum: JSON.parse of text frames; the type header (and type-4 metadata JSON) of binary ones. */
function bareDecode(pick: (session: Session) => Frame[]): void {
  for (const session of sessions) {
    for (const { data } of pick(session)) {
      if (typeof data === 'string') {
        sink += (JSON.parse(data) as { type: string }).type.length
        continue
      }
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
      const type = view.getUint32(0)
      if (type === 4) {
        const metadata = JSON.parse(utf8.decode(data.subarray(8, 8 + view.getUint32(4)))) as object
        sink += Object.keys(metadata).length
      }
      sink += type
    }
  }
}

/** `@stable-canvas/comfyui-client`: its socket `message` listener (async) on every frame, all awaited. */
async function stableCanvasPass(pick: (session: Session) => Frame[]): Promise<void> {
  const pending: unknown[] = []
  for (const session of sessions) {
    const { deliver } = session.stableCanvas
    for (const { arrayBuffer } of pick(session)) pending.push(deliver(arrayBuffer))
  }
  await Promise.all(pending)
}

/** `@saintno/comfyui-sdk`: its `socket.onmessage` on every frame (synchronous). */
function saintnoPass(pick: (session: Session) => Frame[]): void {
  for (const session of sessions) {
    const { deliver } = session.saintno
    for (const { buffer } of pick(session)) deliver(buffer)
  }
}

const groups = [
  { label: 'Text frames', pick: (s: Session) => s.text },
  { label: 'Binary frames', pick: (s: Session) => s.binary },
  { label: 'All frames', pick: (s: Session) => s.all },
] as const

const paths = [
  { name: 'JSON.parse (floor)', run: bareDecode },
  { name: 'comfy-progress: parseMessage + reduceProgress', run: parseAndReduce },
  { name: 'comfy-progress: parseMessage only', run: parseOnly },
  { name: '@stable-canvas/comfyui-client 1.5.9', run: stableCanvasPass },
  { name: '@saintno/comfyui-sdk 0.3.1', run: saintnoPass },
] as const
const FLOOR = 0
const OURS = 1

// Every path must really run on these frames: one checked pass each, counting the peers' progress calls.
const progressCalls = { stableCanvas: 0, saintno: 0 }
{
  const all = groups[2].pick
  for (const { run } of paths) await run(all)
  for (const session of sessions) {
    progressCalls.stableCanvas += session.stableCanvas.progressCalls()
    progressCalls.saintno += session.saintno.progressCalls()
  }
  if (progressCalls.stableCanvas === 0 || progressCalls.saintno === 0)
    throw new Error(`a peer's progress listener never ran: ${JSON.stringify(progressCalls)}`)
}

/**
 * Many short rounds; in each, every group's paths run back to back (150 ms each), timed in CPU time of
 * this process (`process.cpuUsage`, µs resolution, all threads: the Blob copies some peers make count;
 * a pass over the text frames takes milliseconds). Load from other processes sharing the cores (CI,
 * parallel test runs) comes and goes over seconds, so it hits every path of a round alike: ratios are
 * computed per round, and the tables show medians over rounds. A round's figure is the mean pass time,
 * garbage collection included; at least 4 passes per path and round.
 */
const ROUNDS = Number(process.env.CORE_BENCH_ROUNDS ?? 15)
const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const perRound = new Map<string, number[][]>()
for (let round = 0; round < ROUNDS; round++) {
  for (const { label, pick } of groups) {
    // A pass of a peer over the binary frames takes up to ~100 ms (Blob copies): the time budget, not
    // tinybench's default 64 iterations, must bound a task.
    const bench = new Bench({
      time: 150,
      iterations: 4,
      warmupTime: round === 0 ? 300 : 20,
      warmupIterations: 2,
      now: cpuNow,
    })
    for (const { name, run } of paths) bench.add(name, () => run(pick))
    await bench.run()
    const means = bench.tasks.map((task) => {
      const result = task.result
      if (!('latency' in result)) throw new Error(`${label} ${task.name} did not complete`, { cause: result })
      return result.latency.mean
    })
    perRound.set(label, [...(perRound.get(label) ?? []), means])
  }
}
for (const session of sessions) {
  session.stableCanvas.close()
  session.saintno.close()
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

const columns = ['Path', 'µs/frame', 'frames/s', '× JSON.parse', '× comfy-progress', '× JSON.parse, range']
const sections = groups.map(({ label, pick }) => {
  const frames = sessions.reduce((n, session) => n + pick(session).length, 0)
  const rounds = perRound.get(label)!
  const rows = paths.map(({ name }, i) => {
    const mean = median(rounds.map((r) => r[i]!))
    const vsFloor = rounds.map((r) => r[i]! / r[FLOOR]!)
    const vsOurs = rounds.map((r) => r[i]! / r[OURS]!)
    return [
      name,
      round((mean * 1000) / frames).toFixed(2),
      Math.round(frames / (mean / 1000)).toLocaleString('en-US'),
      `${round(median(vsFloor)).toFixed(2)}×`,
      `${round(median(vsOurs)).toFixed(2)}×`,
      `${round(Math.min(...vsFloor)).toFixed(2)}–${round(Math.max(...vsFloor)).toFixed(2)}`,
    ]
  })
  return {
    title: `${label} (${frames} per pass, ${sessions.length} recordings)`,
    description:
      label === 'Text frames'
        ? 'Time per recorded text frame for each path, as a ratio to bare JSON.parse (the floor) and to comfy-progress parse + reduce, medians over rounds in one process.'
        : label === 'Binary frames'
          ? 'Time per recorded preview frame (type 1 images, type 4 images with metadata), as a ratio to reading the type header (+ type-4 metadata JSON) and to comfy-progress parse + reduce.'
          : 'Every recorded server→client frame in order, text and binary, as a session would see it.',
    columns,
    rows,
    notes: [] as string[],
  }
})

const textRow = sections[0]!.rows[OURS]!
sections[0]!.notes.push(
  `comfy-progress parse + reduce costs ${textRow[3]} bare JSON.parse on text frames (target ≤ 1.5×).`,
)
sections[0]!.notes.push(
  'comfy-progress: parseMessage (validated, typed message; binary previews as views, no copy) + routing by prompt id + reduceProgress (immutable per-prompt state: percentage over the whole workflow, node bars, ETA, outputs).',
  "Not like for like with the peers in one respect: the comfy-progress path calls parseMessage and reduceProgress directly (routing is a Map lookup in this bench), while each peer's path is its whole socket handler with its event dispatch and a listener; ComfyClient's own handler (PromptRouter, its emitter, a follow() listener) is not in the comfy-progress figure.",
  '@stable-canvas/comfyui-client: its Client socket `message` listener (stub socket, no network): JSON.parse, type switch, eventemitter3 emit, unhandled check; binary frames arrive as ArrayBuffer (it sets binaryType) and become Blobs, then `await blob.arrayBuffer()`; plus `on_progress(fn, promptId)` per prompt. Node-level progress only, no overall percentage.',
  "@saintno/comfyui-sdk: ComfyApi's `socket.onmessage` (stub socket via customWebSocketImpl): JSON.parse, two CustomEvent dispatches per text frame; binary frames arrive as Buffer (ws default), copied byte by byte, type 1 → Blob; type 4 is unsupported (throws inside, caught and logged); plus a per-prompt `progress` listener as its CallWrapper registers. Node-level progress only.",
  `Checked before timing, one pass over all frames: progress callbacks fired — stable-canvas ${progressCalls.stableCanvas}, saintno ${progressCalls.saintno}.`,
  `CPU time of this process (all threads), ${ROUNDS} rounds × 150 ms per path and group; ratios are per-round medians. Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}.`,
)

sections[1]!.notes.push(
  'The floor here only reads the type header (and the type-4 metadata JSON). comfy-progress returns the image as a view of the frame; @stable-canvas/comfyui-client copies it into a Blob and back into an ArrayBuffer; @saintno/comfyui-sdk copies the frame byte by byte, then into a Blob (type 1), or throws and logs (type 4).',
)
sections[2]!.notes.push('Peers and method: see the notes of the text frames.')

for (const section of sections) {
  console.log(`\n${section.title}`)
  console.table(section.rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]]))))
  for (const note of section.notes) console.log(`  - ${note}`)
}
console.log(`[${sink % 7}]`)

const resultsDir = new URL('../../../bench-results/', import.meta.url)
mkdirSync(resultsDir, { recursive: true })
writeFileSync(
  new URL('core-peers.json', resultsDir),
  `${JSON.stringify(
    {
      id: 'core-peers',
      title: 'Core: parse + progress per frame, against bare JSON.parse and peer clients',
      command: 'pnpm --filter @comfy-progress/core bench',
      sections,
    },
    null,
    2,
  )}\n`,
)
