/**
 * A hand-driven clock for the client's `timers` option: nothing fires until the test says so, while
 * sockets and HTTP stay real. Every delay ever scheduled is recorded, so backoff sequences can be
 * asserted exactly.
 */
import type { Timers } from '../../../src/client/Timers.js'

interface Pending {
  readonly at: number
  readonly seq: number
  readonly ms: number
  readonly fn: () => void
}

export interface ManualTimers {
  readonly timers: Timers
  /** Every delay passed to setTimeout, in call order. */
  readonly scheduled: number[]
  /** Number of timers waiting to fire. */
  pendingCount(): number
  /** Delays (from now) of the waiting timers, soonest first. */
  pendingDelays(): number[]
  /** Moves the clock to the soonest timer and fires it; returns its original delay, or undefined if none. */
  fireNext(): number | undefined
  /** Moves the clock forward by `ms`, firing due timers in order (without awaiting anything between). */
  advance(ms: number): void
  now(): number
}

export function createManualTimers(start = 1_700_000_000_000): ManualTimers {
  let now = start
  let seq = 0
  const pending = new Map<number, Pending>()
  const scheduled: number[] = []
  const soonest = (): [number, Pending] | undefined => {
    let best: [number, Pending] | undefined
    for (const entry of pending) {
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].seq < best[1].seq))
        best = entry
    }
    return best
  }
  return {
    timers: {
      setTimeout(fn, ms) {
        seq += 1
        scheduled.push(ms)
        pending.set(seq, { at: now + Math.max(0, ms), seq, ms, fn })
        return seq
      },
      clearTimeout(handle) {
        pending.delete(handle as number)
      },
      now: () => now,
    },
    scheduled,
    pendingCount: () => pending.size,
    pendingDelays: () => [...pending.values()].map((p) => p.at - now).sort((a, b) => a - b),
    fireNext() {
      const next = soonest()
      if (!next) return undefined
      pending.delete(next[0])
      now = Math.max(now, next[1].at)
      next[1].fn()
      return next[1].ms
    },
    advance(ms) {
      const target = now + ms
      for (let next = soonest(); next && next[1].at <= target; next = soonest()) {
        pending.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = target
    },
    now: () => now,
  }
}

/** Waits (real time) until `predicate()` holds; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Lets pending I/O callbacks run (a few real macrotasks). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setTimeout(resolve, 2))
}
