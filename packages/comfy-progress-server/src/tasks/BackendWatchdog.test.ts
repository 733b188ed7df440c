import { describe, expect, it } from 'vitest'
import { BackendWatchdog } from './BackendWatchdog.js'

type State = 'connected' | 'reconnecting' | 'disconnected'

function setUp(timeoutMs: number) {
  let time = 0
  const states: Record<string, State> = { gpu0: 'connected', gpu1: 'connected' }
  const lost: [string, number][] = []
  const back: string[] = []
  const watchdog = new BackendWatchdog({
    backends: Object.keys(states).map((id) => ({
      id,
      client: {
        get state() {
          return states[id]!
        },
      },
    })),
    timeoutMs,
    onLost: (id, ms) => lost.push([id, ms]),
    onBack: (id) => back.push(id),
    now: () => time,
  })
  const at = (ms: number) => {
    time = ms
    watchdog.check()
  }
  return { states, lost, back, at, watchdog }
}

describe('BackendWatchdog', () => {
  it('reports a backend unreachable for the timeout, at every check after, with how long', () => {
    const { states, lost, at } = setUp(1_000)
    states.gpu0 = 'reconnecting'
    at(100)
    at(900)
    expect(lost).toEqual([])
    states.gpu0 = 'disconnected'
    at(1_100)
    at(1_500)
    expect(lost).toEqual([
      ['gpu0', 1_000],
      ['gpu0', 1_400],
    ])
  })

  it('forgets the downtime of a backend that came back in time', () => {
    const { states, lost, at } = setUp(1_000)
    states.gpu1 = 'reconnecting'
    at(0)
    at(800)
    states.gpu1 = 'connected'
    at(900)
    states.gpu1 = 'reconnecting'
    at(1_200)
    at(2_100)
    expect(lost).toEqual([])
    at(2_200)
    expect(lost).toEqual([['gpu1', 1_000]])
  })

  it('reports once the return of a backend it reported lost, and not of one back in time', () => {
    const { states, back, at } = setUp(1_000)
    states.gpu0 = 'disconnected'
    states.gpu1 = 'reconnecting'
    at(0)
    at(500)
    states.gpu1 = 'connected' // back within the timeout: never lost
    at(1_200)
    states.gpu0 = 'connected'
    at(1_300)
    at(1_400)
    expect(back).toEqual(['gpu0'])
  })

  it('never starts a timer for an infinite timeout, and stops cleanly', () => {
    const { watchdog } = setUp(Number.POSITIVE_INFINITY)
    watchdog.start()
    watchdog.stop()
    const finite = setUp(100).watchdog
    finite.start()
    finite.start()
    finite.stop()
    finite.stop()
  })
})
