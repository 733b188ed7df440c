/**
 * The soak's one source of randomness: a seeded generator (mulberry32), so that a failing run is
 * replayed with `SOAK_SEED=<seed>`. Wall-clock timing still varies between runs; the seed fixes every
 * choice the soak makes (which fault, when, which subscriber misbehaves and how).
 */

/** A seeded random source with the few helpers the soak needs. */
export interface SoakRandom {
  readonly seed: number
  /** A float in [0, 1). */
  next(): number
  /** Whether an event of probability `p` happens. */
  chance(p: number): boolean
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T
}

/** A fresh seed (32 bits). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32)
}

/** The generator for `seed`. */
export function createSoakRandom(seed: number): SoakRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d_2b_79_f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    seed,
    next,
    chance: (p) => next() < p,
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(0, items.length - 1)]
      if (item === undefined) throw new Error('pick from an empty list')
      return item
    },
  }
}
