/**
 * `pnpm soak` for the server: the fault soak at full size, in memory mode and in Redis mode, printed
 * as a table and written to `<repo>/bench-results/soak.json`. Exits 1 if any invariant fails.
 *
 * Environment: `SOAK_SEED` (replay a run; printed at the start), `SOAK_GENERATIONS` (1000, memory
 * mode), `SOAK_REDIS_GENERATIONS` (300; 0 leaves Redis out), `SOAK_BUDGET_MS` (600000, shared by
 * both modes in proportion to their generations).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runSoak, type SoakResult } from './runSoak.js'
import { checkInvariants, formatReport, soakReportJson } from './soakReport.js'
import { randomSeed } from './soakRandom.js'

const RESULTS_FILE = fileURLToPath(new URL('../../../bench-results/soak.json', import.meta.url))
const number = (name: string, fallback: number) => {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}
const seed = number('SOAK_SEED', randomSeed())
const generations = number('SOAK_GENERATIONS', 1_000)
const redisGenerations = number('SOAK_REDIS_GENERATIONS', 300)
const budgetMs = number('SOAK_BUDGET_MS', 600_000)
const total = generations + redisGenerations
const log = (line: string) => console.log(`  ${line}`)

console.log(`soak: seed ${seed} (replay with SOAK_SEED=${seed})`)
const results: SoakResult[] = []
if (generations > 0) {
  console.log(`soak: memory mode, ${generations} generations`)
  results.push(
    await runSoak({ mode: 'memory', generations, seed, budgetMs: (budgetMs * generations) / total, log }),
  )
}
if (redisGenerations > 0) {
  console.log(`soak: Redis mode (two instances, one SIGKILLed), ${redisGenerations} generations`)
  results.push(
    await runSoak({
      mode: 'redis',
      generations: redisGenerations,
      seed,
      budgetMs: (budgetMs * redisGenerations) / total,
      log,
    }),
  )
}

console.log(formatReport(results))
mkdirSync(dirname(RESULTS_FILE), { recursive: true })
writeFileSync(RESULTS_FILE, `${JSON.stringify(soakReportJson(results), null, 2)}\n`)
console.log(`wrote ${RESULTS_FILE}`)
const failures = results.flatMap((result) => checkInvariants(result).map((f) => `${result.mode}: ${f}`))
if (failures.length > 0) {
  console.error(`soak FAILED (seed ${seed}):\n${failures.map((f) => `  - ${f}`).join('\n')}`)
  process.exitCode = 1
} else console.log(`soak passed (seed ${seed})`)
