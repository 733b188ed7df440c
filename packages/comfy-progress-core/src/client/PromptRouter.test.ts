import { describe, expect, it } from 'vitest'
import { loadRecording, wireFrames } from '../../test/helpers.js'
import type { ComfyProgressError } from '../errors/ComfyProgressError.js'
import type { ComfyMessage } from '../protocol/ComfyMessage.js'
import { parseMessage } from '../protocol/parseMessage.js'
import type { PromptEvent, PromptOutcome } from './PromptEvent.js'
import { PromptRouter } from './PromptRouter.js'

/** Parsed frames of a recording. Binary frames whose bytes were dropped are rebuilt from their header (type 1 only). */
function recordedMessages(file: string, includeDroppedBinary = true): ComfyMessage[] {
  return wireFrames(loadRecording(file), { includeDroppedBinary }).map((frame) => {
    const parsed = parseMessage(frame.frame)
    if (!parsed.ok) throw parsed.error
    return parsed.message
  })
}

function text(type: string, data: unknown): ComfyMessage {
  const parsed = parseMessage(JSON.stringify({ type, data }))
  if (!parsed.ok) throw parsed.error
  return parsed.message
}

function setup(options: { endOnTerminal?: boolean; now?: () => number; bufferSize?: number } = {}) {
  const terminals: { promptId: string; outcome: PromptOutcome; gap: boolean }[] = []
  const listenerErrors: ComfyProgressError[] = []
  const router: PromptRouter = new PromptRouter({
    bufferSize: options.bufferSize ?? 8,
    unclaimedTtlMs: 1000,
    now: options.now ?? (() => 0),
    onTerminal: (promptId, outcome, gap) => {
      terminals.push({ promptId, outcome, gap })
      if (options.endOnTerminal !== false) router.end(promptId, outcome)
    },
    onListenerError: (error) => listenerErrors.push(error),
  })
  return { router, terminals, listenerErrors }
}

const P = '281235a4-ba8b-452d-9cff-3afeed5dbe95' // the prompt of 01-txt2img-basic

describe('PromptRouter with recorded traffic', () => {
  it('gives a submitted prompt every frame of its run (type-1 previews included) and one end', () => {
    const { router } = setup()
    const events: PromptEvent[] = []
    void router.track(P, { gap: false, listener: (event) => events.push(event) })
    router.accept(P)
    const messages = recordedMessages('01-txt2img-basic.jsonl')
    for (const message of messages) router.route(message)
    const routed = events.filter((e) => e.type === 'message')
    // Everything but the four `status` frames belongs to the prompt; the final executing{null} follows the end.
    expect(routed.length + 4 + 1).toBe(messages.length)
    expect(routed.filter((e) => e.message.type === 'preview_image')).toHaveLength(20)
    const ends = events.filter((e) => e.type === 'end')
    expect(ends).toHaveLength(1)
    expect(ends[0]).toMatchObject({ outcome: { status: 'success', source: 'live' } })
    const outcome = (ends[0] as { outcome: { outputs: Record<string, unknown> } }).outcome
    expect(Object.keys(outcome.outputs)).toEqual(['9'])
    expect(router.isOpen(P)).toBe(false)
  })

  it('routes type-4 previews by their metadata prompt id', () => {
    const { router } = setup()
    // Type-4 metadata is inside the bytes, which the recording keeps for the first 5 binary frames only.
    const messages = recordedMessages('13-preview-metadata.jsonl', false)
    const start = messages.find((m) => m.type === 'execution_start')
    const id = start?.type === 'execution_start' ? start.data.prompt_id : ''
    const previews: unknown[] = []
    void router.track(id, {
      gap: false,
      listener: (e) => e.type === 'message' && e.message.type === 'preview_image' && previews.push(e),
    })
    for (const message of messages) router.route(message)
    expect(previews).toHaveLength(5)
  })

  it('keeps each of three queued prompts to its own frames (07-queue-three)', () => {
    const { router } = setup()
    const messages = recordedMessages('07-queue-three.jsonl')
    const ids = [
      ...new Set(messages.flatMap((m) => (m.type === 'execution_start' ? [m.data.prompt_id] : []))),
    ]
    expect(ids).toHaveLength(3)
    const seen = new Map<string, PromptEvent[]>()
    for (const id of ids) {
      seen.set(id, [])
      void router.track(id, { gap: false, listener: (e) => seen.get(id)!.push(e) })
    }
    for (const message of messages) router.route(message)
    for (const id of ids) {
      const events = seen.get(id)!
      expect(events.filter((e) => e.type === 'end')).toHaveLength(1)
      for (const e of events) {
        if (e.type !== 'message') continue
        const m = e.message
        if (m.type === 'preview_image' || m.type === 'progress_text') continue // type 1: attributed by running
        expect('data' in m && (m.data as { prompt_id?: string }).prompt_id).toBe(id)
      }
      expect(events.filter((e) => e.type === 'message' && e.message.type === 'preview_image')).toHaveLength(
        20,
      )
    }
  })

  it('ends an errored prompt once, with the execution_error (05-runtime-error)', () => {
    const { router } = setup()
    const messages = recordedMessages('05-runtime-error.jsonl')
    const ids = [
      ...new Set(messages.flatMap((m) => (m.type === 'execution_start' ? [m.data.prompt_id] : []))),
    ]
    const ends: PromptEvent[] = []
    for (const id of ids)
      void router.track(id, { gap: false, listener: (e) => e.type === 'end' && ends.push(e) })
    for (const message of messages) router.route(message)
    expect(ends).toHaveLength(2)
    for (const end of ends)
      expect(end).toMatchObject({ outcome: { status: 'error', message: { type: 'execution_error' } } })
  })
})

describe('PromptRouter rules', () => {
  it('does not end a prompt on a non-fatal ExecutionBlocked error', () => {
    const { router, terminals } = setup()
    void router.track('p', { gap: false })
    router.route(
      text('execution_error', {
        prompt_id: 'p',
        node_id: '5',
        node_type: 'X',
        executed: [],
        exception_message: 'Execution Blocked: x',
        exception_type: 'ExecutionBlocked',
        traceback: [],
        current_inputs: [],
        current_outputs: [],
      }),
    )
    expect(terminals).toHaveLength(0)
    router.route(text('executing', { node: null, prompt_id: 'p' }))
    expect(terminals).toEqual([
      expect.objectContaining({ outcome: expect.objectContaining({ status: 'success' }) }),
    ])
  })

  it('buffers events until the first follower and replays them, end included', () => {
    const { router } = setup()
    const done = router.track('p', { gap: false })
    router.route(text('execution_start', { prompt_id: 'p' }))
    router.route(text('execution_success', { prompt_id: 'p' }))
    const events: string[] = []
    router.follow('p', (e) => events.push(e.type === 'message' ? e.message.type : e.type), false)
    expect(events).toEqual(['execution_start', 'execution_success', 'end'])
    return expect(done).resolves.toMatchObject({ status: 'success' })
  })

  it('replays to a late follower nothing after the end (an error, then executing null)', () => {
    const { router } = setup()
    // The prompt is unknown when its frames arrive: kept as unclaimed, then followed once it is over.
    router.route(text('execution_start', { prompt_id: 'late' }))
    router.route(
      text('execution_error', {
        prompt_id: 'late',
        node_id: '8',
        node_type: 'VAEDecode',
        executed: [],
        exception_message: 'boom',
        exception_type: 'RuntimeError',
        traceback: [],
        current_inputs: {},
        current_outputs: {},
      }),
    )
    router.route(text('executing', { node: null, prompt_id: 'late' }))
    const events: string[] = []
    router.follow('late', (e) => events.push(e.type === 'message' ? e.message.type : e.type), false)
    expect(events).toEqual(['execution_start', 'execution_error', 'end'])
  })

  it('lets a prompt followed after a frame was lost confirm its end by history (gap), and not one followed long after', () => {
    let now = 0
    const { router, terminals } = setup({ now: () => now, endOnTerminal: false })
    router.route(text('execution_start', { prompt_id: 'a' }))
    router.missedFrame() // e.g. a's torn `executed` frame
    router.route(text('execution_success', { prompt_id: 'a' }))
    router.follow('a', () => {}, false)
    expect(terminals).toEqual([expect.objectContaining({ promptId: 'a', gap: true })])
    now = 5000 // past unclaimedTtlMs (1000)
    router.route(text('execution_start', { prompt_id: 'b' }))
    router.route(text('execution_success', { prompt_id: 'b' }))
    router.follow('b', () => {}, false)
    expect(terminals.at(-1)).toMatchObject({ promptId: 'b', gap: false })
  })

  it('caps the buffer by dropping the oldest frames, never the end', () => {
    const { router } = setup()
    void router.track('p', { gap: false })
    for (let value = 1; value <= 20; value += 1)
      router.route(text('progress', { value, max: 20, prompt_id: 'p', node: '3' }))
    router.route(text('execution_success', { prompt_id: 'p' }))
    const values: unknown[] = []
    router.follow(
      'p',
      (e) =>
        values.push(e.type === 'message' && e.message.type === 'progress' ? e.message.data.value : e.type),
      false,
    )
    expect(values).toEqual([15, 16, 17, 18, 19, 20, 'message', 'end']) // 8 = bufferSize
  })

  it('buffers only the latest preview image for a prompt nobody follows yet', () => {
    const { router } = setup({ bufferSize: 256 })
    void router.track(P, { gap: false })
    for (const message of recordedMessages('01-txt2img-basic.jsonl')) router.route(message)
    const types: string[] = []
    router.follow(P, (e) => types.push(e.type === 'message' ? e.message.type : e.type), false)
    expect(types.filter((t) => t === 'preview_image')).toHaveLength(1)
    expect(types.filter((t) => t === 'progress')).toHaveLength(20)
    expect(types.at(-1)).toBe('end')
  })

  it('keeps frames of an unknown prompt briefly, for a follow that comes just after', () => {
    let now = 0
    const { router } = setup({ now: () => now })
    router.route(text('execution_start', { prompt_id: 'early' }))
    router.route(text('execution_start', { prompt_id: 'stale' }))
    now = 500
    const early: string[] = []
    expect(router.follow('early', (e) => early.push(e.type), false).isNew).toBe(true)
    expect(early).toEqual(['message'])
    now = 1500 // past the TTL
    const stale: string[] = []
    router.follow('stale', (e) => stale.push(e.type), false)
    expect(stale).toEqual([])
  })

  it('attributes id-less frames to the running prompt, and holds them after a reconnect until it is known', () => {
    const { router } = setup()
    const got: string[] = []
    void router.track('p', { gap: false, listener: (e) => e.type === 'message' && got.push(e.message.type) })
    router.route(text('progress', { value: 1, max: 2 })) // nobody running yet: dropped
    router.route(text('execution_start', { prompt_id: 'p' }))
    router.route(text('progress', { value: 1, max: 2 }))
    expect(got).toEqual(['execution_start', 'progress'])
    router.disconnected()
    expect(router.hasGap('p')).toBe(true)
    router.route(text('executing', { node: '3' })) // the reconnect replay: no prompt_id
    expect(got).toHaveLength(2)
    router.release('p')
    expect(got).toEqual(['execution_start', 'progress', 'executing'])
  })

  it('re-keys a prompt when an old server ignores the posted id, taking frames already sent under the new one', () => {
    const { router } = setup()
    const got: string[] = []
    void router.track('mine', { gap: false, listener: (e) => got.push(e.type) })
    router.route(text('execution_start', { prompt_id: 'servers' }))
    router.rename('mine', 'servers')
    router.route(text('execution_success', { prompt_id: 'servers' }))
    expect(got).toEqual(['message', 'message', 'end'])
  })

  it('refuses a second prompt with the same id (PROMPT_ID_CONFLICT)', () => {
    const { router } = setup()
    void router.track('p', { gap: false })
    expect(() => router.track('p', { gap: false })).toThrowError(
      expect.objectContaining({ code: 'PROMPT_ID_CONFLICT' }),
    )
  })

  it('ends exactly once however many terminal candidates arrive, and ignores late frames', () => {
    const { router, terminals } = setup()
    const ends: unknown[] = []
    void router.track('p', { gap: false, listener: (e) => e.type === 'end' && ends.push(e) })
    router.route(text('execution_success', { prompt_id: 'p' }))
    router.route(text('executing', { node: null, prompt_id: 'p' }))
    router.route(text('execution_success', { prompt_id: 'p' }))
    expect(router.end('p', { status: 'success', outputs: {}, message: null, source: 'history' })).toBe(false)
    expect(terminals).toHaveLength(1)
    expect(ends).toHaveLength(1)
  })

  it('keeps delivering to other followers when one throws, and reports CLIENT_LISTENER_FAILED', () => {
    const { router, listenerErrors } = setup()
    const got: string[] = []
    router.follow(
      'p',
      () => {
        throw new Error('boom')
      },
      false,
    )
    router.follow('p', (e) => got.push(e.type), false)
    router.route(text('execution_start', { prompt_id: 'p' }))
    expect(got).toEqual(['message'])
    expect(listenerErrors.map((e) => e.code)).toEqual(['CLIENT_LISTENER_FAILED'])
  })

  it('stops tracking a followed prompt when its last follower leaves', () => {
    const { router } = setup()
    const { unsubscribe } = router.follow('p', () => undefined, false)
    router.accept('p')
    expect(router.openAcceptedIds()).toEqual(['p'])
    unsubscribe()
    unsubscribe()
    expect(router.openAcceptedIds()).toEqual([])
  })

  it('ends every open prompt as abandoned on endAll', async () => {
    const { router } = setup()
    const done = router.track('p', { gap: false })
    const { ComfyProgressError } = await import('../errors/ComfyProgressError.js')
    router.endAll(new ComfyProgressError('CLIENT_CLOSED'))
    await expect(done).resolves.toMatchObject({ status: 'abandoned', error: { code: 'CLIENT_CLOSED' } })
  })
})
