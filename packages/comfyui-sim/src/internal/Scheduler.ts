/**
 * Every timer the simulator starts goes through one `Scheduler`, so that `close()` and `restart()`
 * can cancel them all and leave no handle behind. Delays under a millisecond yield with
 * `setImmediate` instead of a timer, which keeps fast simulations (a high `speed`) fast while still
 * letting sockets and HTTP requests through between frames.
 *
 * @module
 */

/** Thrown into a pending {@link Scheduler.sleep} when the scheduler is cancelled. */
export class SchedulerCancelled extends Error {
  constructor() {
    super('comfy-progress: the simulator stopped')
    this.name = 'SchedulerCancelled'
  }
}

/** An injectable clock: wall time for frame timestamps and, optionally, how waiting works. */
export interface SimClock {
  /** Milliseconds since the epoch, as ComfyUI's `timestamp` fields. */
  now(): number
  /**
   * Waits `ms` milliseconds. Replace it to observe or skip the simulated durations (tests); the
   * default uses real timers.
   */
  sleep?(ms: number): Promise<void>
}

interface Pending {
  readonly cancel: () => void
}

/** Timers with one switch to cancel them all. */
export class Scheduler {
  private readonly pending = new Set<Pending>()
  private generation = 0

  constructor(private readonly clock?: SimClock) {}

  /** Resolves after `ms` (scaled already); rejects with {@link SchedulerCancelled} if cancelled first. */
  sleep(ms: number): Promise<void> {
    const generation = this.generation
    if (this.clock?.sleep) {
      return this.clock.sleep(ms).then(() => {
        if (generation !== this.generation) throw new SchedulerCancelled()
      })
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = {
        cancel: () => {
          clear()
          reject(new SchedulerCancelled())
        },
      }
      const done = (): void => {
        this.pending.delete(entry)
        resolve()
      }
      let clear: () => void = () => undefined
      if (ms < 1) {
        const handle = setImmediate(done)
        clear = () => clearImmediate(handle)
      } else {
        const handle = setTimeout(done, ms)
        clear = () => clearTimeout(handle)
      }
      this.pending.add(entry)
    })
  }

  /** Runs `task` after `ms`, unless cancelled first. */
  later(ms: number, task: () => void): void {
    this.sleep(ms).then(task, () => undefined)
  }

  /** Cancels every pending sleep; they reject with {@link SchedulerCancelled}. */
  cancelAll(): void {
    this.generation++
    for (const entry of [...this.pending]) {
      this.pending.delete(entry)
      entry.cancel()
    }
  }
}
