/**
 * How every fuzz suite of the workspace runs a fast-check property: the number of runs, the seed and
 * the time limit come from the environment, and each property reports how many cases it ran.
 *
 * - `COMFY_PROGRESS_FUZZ_RUNS`: runs per property (each property has a small default that keeps the
 *   short run inside `pnpm test` quick); `scripts/fuzz.mjs` sets it high for `pnpm soak`.
 * - `COMFY_PROGRESS_FUZZ_SEED` (and `COMFY_PROGRESS_FUZZ_PATH`, with `-t` to pick the failing test):
 *   replay a failure fast-check printed.
 * - `COMFY_PROGRESS_FUZZ_TIME_LIMIT_MS`: stop a property after this long (the count reached is reported).
 * - `COMFY_PROGRESS_FUZZ_REPORT`: a file to which each property appends one JSON line
 *   `{suite, property, cases, failures, ms, seed, interrupted}`.
 *
 * The server's and the browser manager's fuzz suites import this file too (as the adapter examples
 * share one smoke suite), so `scripts/fuzz.mjs` reads one report format.
 */
import { appendFileSync } from 'node:fs'
import fc from 'fast-check'

const env = process.env

function positiveInteger(name: string): number | undefined {
  const text = env[name]
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, not "${text}"`)
  return value
}

/** `COMFY_PROGRESS_FUZZ_SEED` as fast-check takes it (any 32-bit integer, negative ones too). */
function integerSeed(): number | undefined {
  const text = env.COMFY_PROGRESS_FUZZ_SEED
  if (text === undefined || text === '') return undefined
  const seed = Number(text)
  if (!Number.isInteger(seed)) throw new Error(`COMFY_PROGRESS_FUZZ_SEED must be an integer, not "${text}"`)
  return seed
}

/** Runs of one property: `COMFY_PROGRESS_FUZZ_RUNS × share` when set, else `defaultRuns`. */
export function fuzzRuns(defaultRuns: number, share = 1): number {
  const runs = positiveInteger('COMFY_PROGRESS_FUZZ_RUNS')
  return runs === undefined ? defaultRuns : Math.max(1, Math.round(runs * share))
}

/** The vitest timeout of one fuzz test: the time limit plus slack for set-up, or 60 s for short runs. */
export function fuzzTimeout(): number {
  const limit = positiveInteger('COMFY_PROGRESS_FUZZ_TIME_LIMIT_MS')
  return limit === undefined ? 60_000 : limit + 120_000
}

/** One property of a suite. */
export interface FuzzSpec {
  /** The suite's name in the report (e.g. `core: frames`). */
  readonly suite: string
  /** The property's name in the report. */
  readonly property: string
  /** Runs when `COMFY_PROGRESS_FUZZ_RUNS` is unset. */
  readonly defaultRuns: number
  /** Fraction of `COMFY_PROGRESS_FUZZ_RUNS` this (slower) property runs. @default 1 */
  readonly share?: number
}

/**
 * Checks `property` with the environment's runs, seed and time limit; appends the count to the report
 * file; throws fast-check's report (with the seed and path to replay) if a case failed.
 */
export async function runFuzz<T>(
  spec: FuzzSpec,
  property: fc.IProperty<T> | fc.IAsyncProperty<T>,
): Promise<void> {
  const seed = integerSeed()
  const timeLimit = positiveInteger('COMFY_PROGRESS_FUZZ_TIME_LIMIT_MS')
  const parameters: fc.Parameters<T> = {
    numRuns: fuzzRuns(spec.defaultRuns, spec.share),
    ...(seed === undefined ? {} : { seed }),
    ...(env.COMFY_PROGRESS_FUZZ_PATH ? { path: env.COMFY_PROGRESS_FUZZ_PATH } : {}),
    ...(timeLimit === undefined ? {} : { interruptAfterTimeLimit: timeLimit, markInterruptAsFailure: false }),
  }
  const started = performance.now()
  const details = await fc.check(property as fc.IAsyncProperty<T>, parameters)
  const ms = Math.round(performance.now() - started)
  const file = env.COMFY_PROGRESS_FUZZ_REPORT
  if (file) {
    const line = {
      suite: spec.suite,
      property: spec.property,
      cases: details.numRuns,
      failures: details.failed ? 1 : 0,
      ms,
      seed: details.seed,
      interrupted: details.interrupted,
    }
    appendFileSync(file, `${JSON.stringify(line)}\n`)
  }
  if (details.failed) {
    const cause = details.errorInstance
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
    throw new Error(`${spec.suite} / ${spec.property}: ${fc.defaultReportMessage(details)}\nGot: ${reason}`, {
      cause,
    })
  }
}
