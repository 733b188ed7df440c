import { describe, expect, it } from 'vitest'
import { ComfyProgressError } from '@comfy-progress/core'
import { chooseBackend } from './chooseBackend.js'

type Client = Parameters<typeof chooseBackend>[0][number]['client']

const client = (overrides: Partial<Client> = {}): Client => ({
  state: 'connected',
  breakerState: 'closed',
  queueRemaining: 0,
  ...overrides,
})

function thrown(run: () => unknown): ComfyProgressError {
  try {
    run()
  } catch (error) {
    if (error instanceof ComfyProgressError) return error
  }
  throw new Error('expected a ComfyProgressError')
}

describe('chooseBackend', () => {
  it('picks the healthy backend with the shortest queue', () => {
    const chosen = chooseBackend([
      { id: 'a', client: client({ queueRemaining: 3 }), inFlight: 0 },
      { id: 'b', client: client({ queueRemaining: 1 }), inFlight: 5 },
      { id: 'c', client: client({ queueRemaining: 2 }), inFlight: 0 },
    ])
    expect(chosen.id).toBe('b')
  })

  it('breaks a tie on queue length by tasks in flight, then by order', () => {
    const backends = [
      { id: 'a', client: client({ queueRemaining: 1 }), inFlight: 2 },
      { id: 'b', client: client({ queueRemaining: 1 }), inFlight: 1 },
      { id: 'c', client: client({ queueRemaining: 1 }), inFlight: 1 },
    ]
    expect(chooseBackend(backends).id).toBe('b')
    expect(chooseBackend([backends[2]!, backends[1]!]).id).toBe('c')
    // An unknown queue length counts as an empty queue.
    expect(
      chooseBackend([backends[0]!, { id: 'd', client: client({ queueRemaining: null }), inFlight: 3 }]).id,
    ).toBe('d')
  })

  it('weighs a queue length given with the backend over the client’s (an HTTP read of a stale one)', () => {
    const chosen = chooseBackend([
      { id: 'a', client: client({ queueRemaining: 0 }), inFlight: 0, queueRemaining: 4 },
      { id: 'b', client: client({ queueRemaining: 2 }), inFlight: 0 },
      { id: 'c', client: client({ queueRemaining: 5 }), inFlight: 0, queueRemaining: null },
    ])
    // a: 4 (read), b: 2 (frames), c: unknown counts as 0.
    expect(chosen.id).toBe('c')
  })

  it('skips a backend whose breaker is open or that is not connected, however short its queue', () => {
    const chosen = chooseBackend([
      { id: 'open', client: client({ breakerState: 'open' }), inFlight: 0 },
      { id: 'reconnecting', client: client({ state: 'reconnecting' }), inFlight: 0 },
      { id: 'busy', client: client({ queueRemaining: 9 }), inFlight: 4 },
    ])
    expect(chosen.id).toBe('busy')
  })

  it('throws COMFY_NO_BACKEND, naming each backend state, when none is healthy', () => {
    const backends = [
      { id: 'a', client: client({ breakerState: 'open' }), inFlight: 0 },
      { id: 'b', client: client({ state: 'disconnected' }), inFlight: 0 },
    ]
    const error = thrown(() => chooseBackend(backends))
    expect(error.code).toBe('COMFY_NO_BACKEND')
    expect(error.details).toEqual({
      backends: [
        { id: 'a', state: 'connected', breaker: 'open' },
        { id: 'b', state: 'disconnected', breaker: 'closed' },
      ],
    })
    expect(thrown(() => chooseBackend([])).code).toBe('COMFY_NO_BACKEND')
  })
})
