/**
 * Fuzzing ComfyUI frames: the recorded frames of `fixtures/comfyui/`, mutated (see `frameMutations.ts`),
 * through `parseMessage` and `reduceProgress`, and through a real ComfyClient fed by a real `ws` server.
 * Properties: nothing throws; every rejection is a ComfyProgressError with a frame code; the progress
 * state stays valid (percentage finite, within 0..100, never backwards, 100 only on success, frozen
 * once terminal) and turns into a task event that core's own `parseTaskEvent` accepts.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ComfyClient } from '../../../src/client/ComfyClient.js'
import { ComfyProgressError } from '../../../src/errors/ComfyProgressError.js'
import { createTaskEvent } from '../../../src/events/createTaskEvent.js'
import { parseTaskEvent } from '../../../src/events/parseTaskEvent.js'
import { initialProgressState, type ProgressState } from '../../../src/progress/ProgressState.js'
import { reduceProgress } from '../../../src/progress/reduceProgress.js'
import { parseMessage } from '../../../src/protocol/parseMessage.js'
import { startServer, type TestServer } from '../support/servers.js'
import { allRecordedFrames, frameMutation, mutateFrame, recordedRuns } from './frameMutations.js'
import { fuzzTimeout, runFuzz } from './fuzzHarness.js'

const SUITE = 'core: ComfyUI frames'
const FRAME_CODES = new Set([
  'MESSAGE_UNSUPPORTED_INPUT',
  'MESSAGE_NOT_JSON',
  'MESSAGE_INVALID_SHAPE',
  'BINARY_FRAME_TRUNCATED',
  'BINARY_FRAME_INVALID',
])

const runs = recordedRuns()
const frames = allRecordedFrames()

/**
 * A recorded run with some of its frames mutated (by index), and maybe every n-th frame dropped. The
 * arbitrary holds only indices and mutations, so that a failure prints a short counterexample; `build`
 * makes the frames.
 */
const damage = fc.record({
  runIndex: fc.nat({ max: runs.length - 1 }),
  damage: fc.array(fc.tuple(fc.nat(), frameMutation), { minLength: 1, maxLength: 8 }),
  dropEvery: fc.option(fc.integer({ min: 2, max: 9 }), { nil: undefined }),
  anonymous: fc.boolean(),
})

function build({
  runIndex,
  damage: steps,
  dropEvery,
}: typeof damage extends fc.Arbitrary<infer T> ? T : never) {
  const run = runs[runIndex]!
  const damaged = [...run.frames]
  for (const [index, mutation] of steps) {
    const at = index % damaged.length
    damaged[at] = mutateFrame(damaged[at]!, mutation)
  }
  const kept = dropEvery === undefined ? damaged : damaged.filter((_, i) => i % dropEvery !== 0)
  return { run, frames: kept }
}

/** Checks a rejection: a ComfyProgressError with one of the frame codes. */
function expectFrameRejection(error: unknown): void {
  expect(error).toBeInstanceOf(ComfyProgressError)
  expect(FRAME_CODES.has((error as ComfyProgressError).code)).toBe(true)
}

function expectValidStep(previous: ProgressState, next: ProgressState): void {
  const { percentage } = next
  expect(Number.isFinite(percentage)).toBe(true)
  expect(percentage).toBeGreaterThanOrEqual(0)
  expect(percentage).toBeLessThanOrEqual(100)
  expect(percentage).toBeGreaterThanOrEqual(previous.percentage)
  // At most 99 until the prompt succeeds; 100 only then.
  if (next.phase !== 'success') expect(percentage).toBeLessThanOrEqual(99)
  else expect(percentage).toBe(100)
  if (previous.phase !== 'queued' && previous.phase !== 'running') expect(next).toBe(previous)
  for (const value of [next.currentValue, next.maxValue, next.elapsed]) {
    expect(Number.isFinite(value) && value >= 0).toBe(true)
  }
  if (next.eta !== null) expect(Number.isFinite(next.eta) && next.eta >= 0).toBe(true)
  expect(typeof next.currentStep).toBe('string')
}

describe(SUITE, () => {
  it(
    'parseMessage never throws for any value, and every rejection carries a frame code',
    async () => {
      const anyInput = fc.oneof(
        fc.anything(),
        fc.string({ unit: 'binary' }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }).map((bytes) => bytes.buffer),
        fc
          .tuple(fc.constantFrom(...frames), frameMutation)
          .map(([frame, mutation]) => mutateFrame(frame, mutation)),
      )
      await runFuzz(
        { suite: SUITE, property: 'parseMessage(any value)', defaultRuns: 3000 },
        fc.property(anyInput, (input) => {
          const result = parseMessage(input as string)
          if (!result.ok) expectFrameRejection(result.error)
          else expect(typeof result.message.type).toBe('string')
        }),
      )
    },
    fuzzTimeout(),
  )

  it(
    'mutated recorded runs keep the progress state valid and publishable',
    async () => {
      await runFuzz(
        { suite: SUITE, property: 'parse + reduce mutated recorded runs', defaultRuns: 100, share: 0.03 },
        fc.property(damage, (input) => {
          const { run, frames: damaged } = build(input)
          const anonymous = input.anonymous
          let state = initialProgressState({
            workflow: run.workflow,
            ...(anonymous ? {} : { promptId: run.promptId }),
          })
          let now = 1_700_000_000_000
          for (const frame of damaged) {
            now += 37
            const parsed = parseMessage(frame)
            if (!parsed.ok) {
              expectFrameRejection(parsed.error)
              continue
            }
            const next = reduceProgress(state, parsed.message, now)
            expectValidStep(state, next)
            // A message that names another prompt never changes this prompt's state.
            const named = (parsed.message as { data?: { prompt_id?: unknown } }).data?.prompt_id
            if (typeof named === 'string' && state.promptId !== null && named !== state.promptId) {
              expect(next).toBe(state)
            }
            state = next
            const event = createTaskEvent('fuzz-task-id-0000000000', state, {
              now,
              ...(state.phase === 'success' ? { result: { imageUrl: '/image/x.png' } } : {}),
            })
            const reparsed = parseTaskEvent(JSON.stringify(event))
            if (!reparsed.ok)
              throw new Error(
                `createTaskEvent made an invalid event: ${reparsed.error.message} ${JSON.stringify(event)}`,
              )
          }
        }),
      )
    },
    fuzzTimeout(),
  )

  describe('through a real ComfyClient on a real WebSocket', () => {
    let server: TestServer
    let client: ComfyClient
    const errors: ComfyProgressError[] = []
    const sockets: { send(data: string | Uint8Array, options: { binary: boolean }): void }[] = []

    beforeAll(async () => {
      server = await startServer({ onConnection: (socket) => sockets.push(socket) })
      server.route('GET', '/queue', (_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"queue_running":[],"queue_pending":[]}')
      })
      server.route('*', '/history', (_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{}')
      })
      client = new ComfyClient({ baseUrl: server.baseUrl })
      client.on('error', (error) => errors.push(error))
      await client.connect()
    })
    afterAll(async () => {
      await client?.close()
      await server?.close()
    })

    it(
      'handles every mutated frame without dying: coded errors, a sane queue length, still connected',
      async () => {
        let batch = 0
        await runFuzz(
          { suite: SUITE, property: 'ComfyClient over ws (mutated runs)', defaultRuns: 15, share: 0.001 },
          fc.asyncProperty(damage, async (input) => {
            const { run, frames: damaged } = build(input)
            const marker = `fuzz-end-${++batch}`
            const events: string[] = []
            const stop = client.follow(run.promptId, (event) => events.push(event.type))
            const seen = new Promise<void>((resolve) => {
              const off = client.on('message', (message) => {
                if (message.type === 'unknown' && message.rawType === marker) {
                  off()
                  resolve()
                }
              })
            })
            errors.length = 0
            const socket = sockets.at(-1)!
            for (const frame of damaged) socket.send(frame, { binary: typeof frame !== 'string' })
            socket.send(JSON.stringify({ type: marker, data: {} }), { binary: false })
            await seen
            stop()
            for (const error of errors) expect(error).toBeInstanceOf(ComfyProgressError)
            for (const error of errors)
              expect(error.code).toMatch(/^(MESSAGE_|BINARY_FRAME_|COMFY_|CLIENT_LISTENER)/)
            expect(client.state).toBe('connected')
            // A followed prompt ends at most once, and nothing follows its end.
            const end = events.indexOf('end')
            expect(end === -1 || end === events.length - 1).toBe(true)
            const queue = client.queueRemaining
            expect(queue === null || (Number.isFinite(queue) && queue >= 0)).toBe(true)
          }),
        )
      },
      fuzzTimeout(),
    )
  })
})
