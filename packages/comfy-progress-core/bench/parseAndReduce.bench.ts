/**
 * Cost of the core's per-frame work (parseMessage + reduceProgress) on every recorded ComfyUI frame,
 * against the least any consumer must do with the same frames: `JSON.parse` of each text frame, and
 * reading the type header (plus the type-4 metadata JSON) of each binary frame. Same process, same
 * frames; the ratio is what matters (target: ≤ 1.5× for text frames).
 *
 * Run: `pnpm --filter @comfy-progress/core bench` (or `pnpm bench` at the root).
 */
import { Bench } from 'tinybench'
import { listRecordings, loadRecording, loadWorkflow, wireFrames } from '../test/helpers.js'
import type { ComfyMessage } from '../src/protocol/ComfyMessage.js'
import { parseMessage } from '../src/protocol/parseMessage.js'
import { initialProgressState, type ProgressState } from '../src/progress/ProgressState.js'
import { reduceProgress } from '../src/progress/reduceProgress.js'
import type { Recording } from '../src/recording/Recording.js'

interface Frame {
  readonly t: number
  readonly data: string | Uint8Array
}

interface Session {
  readonly text: Frame[]
  readonly binary: Frame[]
  readonly all: Frame[]
  /** Each prompt's state before its first frame (immutable, so every pass starts from it). */
  readonly initial: ReadonlyMap<string, ProgressState>
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
      return { t, data: frame }
    const template = kept.get(eventType(frame))
    if (template === undefined) return { t, data: frame }
    const view = new DataView(template.buffer, template.byteOffset, template.byteLength)
    const header = eventType(template) === 4 ? 8 + view.getUint32(4) : 8
    const bytes = new Uint8Array(frame.length)
    bytes.set(template.subarray(0, Math.min(frame.length, header + 64)))
    return { t, data: bytes }
  })
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

const groups = [
  { label: 'text frames', pick: (s: Session) => s.text },
  { label: 'binary frames', pick: (s: Session) => s.binary },
  { label: 'all frames', pick: (s: Session) => s.all },
] as const

/**
 * Many short rounds; in each, every group's baseline and core run back to back (150 ms each), timed in
 * CPU time of this process (`process.cpuUsage`, µs resolution; a pass over the text frames takes
 * milliseconds). Load from other processes sharing the cores (CI, parallel test runs) comes and goes
 * over seconds, so it hits both sides of a round alike: the ratio is computed per round, and the table
 * shows medians over rounds. A round's figure is the mean pass time, garbage collection included.
 */
const ROUNDS = 15
const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
const perRound = new Map<string, Array<{ baseline: number; core: number; parse: number }>>()
for (let round = 0; round < ROUNDS; round++) {
  for (const { label, pick } of groups) {
    const bench = new Bench({ time: 150, warmupTime: round === 0 ? 300 : 20, now: cpuNow })
    bench.add('baseline', () => bareDecode(pick))
    bench.add('core', () => parseAndReduce(pick))
    bench.add('parse', () => parseOnly(pick))
    await bench.run()
    const [baseline, core, parse] = bench.tasks.map((task) => {
      const result = task.result
      if (!('latency' in result)) throw new Error(`${label} ${task.name} did not complete`, { cause: result })
      return result.latency.mean
    })
    perRound.set(label, [...(perRound.get(label) ?? []), { baseline: baseline!, core: core!, parse: parse! }])
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const rows = groups.map(({ label, pick }) => {
  const frames = sessions.reduce((n, session) => n + pick(session).length, 0)
  const rounds = perRound.get(label)!
  const baseline = median(rounds.map((r) => r.baseline))
  const core = median(rounds.map((r) => r.core))
  const ratios = rounds.map((r) => r.core / r.baseline)
  return {
    frames: label,
    count: frames,
    'baseline µs/frame': round((baseline * 1000) / frames),
    'parse+reduce µs/frame': round((core * 1000) / frames),
    'baseline frames/s': Math.round(frames / (baseline / 1000)),
    'parse+reduce frames/s': Math.round(frames / (core / 1000)),
    ratio: `${round(median(ratios))}×`,
    'of which parse': `${round(median(rounds.map((r) => r.parse / r.baseline)))}×`,
    'ratio range': `${round(Math.min(...ratios))}–${round(Math.max(...ratios))}`,
  }
})
console.log(
  'baseline: JSON.parse of each text frame; type header (+ type-4 metadata JSON) of each binary frame',
)
console.table(rows)
console.log(
  `text frames: parse + reduce costs ${rows[0]!.ratio} bare JSON.parse (target ≤ 1.5×). [${sink % 7}]`,
)

function round(value: number): number {
  return Math.round(value * 100) / 100
}
