#!/usr/bin/env node
// The long fuzz run of `pnpm soak`: every `*.fuzz.test.ts` suite, one vitest run each (one after the
// other: the machine has 2 cores), with run counts that add up to more than 10^6 cases, each property
// bounded in time. Prints a table (suite, property, cases, failures, time) and writes
// bench-results/fuzz.json for scripts/benchReport.mjs.
//
// Each property appends `{suite, property, cases, failures, ms, seed, interrupted}` to the file named by
// COMFY_PROGRESS_FUZZ_REPORT (see packages/comfy-progress-core/test/integration/fuzz/fuzzHarness.ts, which every suite uses). A failure
// prints fast-check's seed and path; replay it with the same suite and
//   COMFY_PROGRESS_FUZZ_SEED=<seed> COMFY_PROGRESS_FUZZ_PATH=<path> \
//     pnpm exec vitest run --project integration <file> -t "<test name>"
//
// Run: `node scripts/fuzz.mjs` (or `pnpm soak`). Environment:
//   COMFY_PROGRESS_FUZZ_BUDGET_MS  total time budget (default 600000 = 10 min); each property gets a share
//   COMFY_PROGRESS_FUZZ_SCALE      multiplies every run count (default 1; 0.01 for a quick try)
//   COMFY_PROGRESS_FUZZ_SEED       one seed for every property (default: fast-check's random seed)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const TARGET_CASES = 1_000_000
const budgetMs = Number(process.env.COMFY_PROGRESS_FUZZ_BUDGET_MS ?? 600_000)
const scale = Number(process.env.COMFY_PROGRESS_FUZZ_SCALE ?? 1)

/**
 * The suites, with the runs per property (`COMFY_PROGRESS_FUZZ_RUNS`; slower properties run a share of
 * it, see each suite) and the number of properties, which splits the time budget. Weights give each
 * suite its share of the budget, roughly by its expected run time.
 */
const suites = [
  {
    file: 'packages/comfy-progress-core/test/integration/fuzz/frames.fuzz.test.ts',
    runs: 300_000,
    properties: 3,
    weight: 3,
  },
  {
    file: 'packages/comfy-progress-server/test/integration/fuzz/routes.fuzz.test.ts',
    runs: 30_000,
    properties: 5,
    weight: 2.5,
  },
  {
    file: 'packages/comfy-progress-server/test/integration/fuzz/webhookUrls.fuzz.test.ts',
    runs: 150_000,
    properties: 5,
    weight: 2.5,
  },
  {
    file: 'packages/webhook-manager/test/integration/fuzz/sseInput.fuzz.test.ts',
    runs: 60_000,
    properties: 1,
    weight: 1.5,
  },
]

// Time for the properties themselves: the budget less vitest's start-up per suite (about 5 s each).
const propertyBudgetMs = Math.max(10_000, budgetMs - suites.length * 5_000)
const totalWeight = suites.reduce((sum, suite) => sum + suite.weight, 0)
const reportFile = join(tmpdir(), `comfy-progress-fuzz-${process.pid}.jsonl`)
rmSync(reportFile, { force: true })

const started = performance.now()
const exitCodes = []
for (const suite of suites) {
  const limitMs = Math.floor((propertyBudgetMs * suite.weight) / totalWeight / suite.properties)
  const runs = Math.max(1, Math.round(suite.runs * scale))
  console.log(`fuzz: ${suite.file} (${runs} runs per property, at most ${Math.round(limitMs / 1000)} s each)`)
  const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'integration', suite.file], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      COMFY_PROGRESS_FUZZ_RUNS: String(runs),
      COMFY_PROGRESS_FUZZ_TIME_LIMIT_MS: String(limitMs),
      COMFY_PROGRESS_FUZZ_REPORT: reportFile,
    },
  })
  exitCodes.push(result.status ?? 1)
}
const elapsedMs = performance.now() - started

const lines = existsSync(reportFile)
  ? readFileSync(reportFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : []
rmSync(reportFile, { force: true })

const seconds = (ms) => (ms / 1000).toFixed(1)
const count = (n) => n.toLocaleString('en-US')
const rows = lines.map((line) => [
  line.suite,
  line.property,
  count(line.cases),
  String(line.failures),
  seconds(line.ms),
  count(Math.round(line.cases / Math.max(line.ms / 1000, 0.001))),
  line.interrupted ? 'time limit' : '',
])
const totalCases = lines.reduce((sum, line) => sum + line.cases, 0)
const totalFailures = lines.reduce((sum, line) => sum + line.failures, 0)
const expectedProperties = suites.reduce((sum, suite) => sum + suite.properties, 0)
rows.push(['total', '', count(totalCases), String(totalFailures), seconds(elapsedMs), '', ''])

const columns = ['suite', 'property', 'cases', 'failures', 'time (s)', 'cases/s', 'stopped by']
printTable(columns, rows)

const notes = [
  `${count(totalCases)} cases in ${seconds(elapsedMs)} s (target: at least ${count(TARGET_CASES)} within ${seconds(budgetMs)} s).`,
  'A failure prints its fast-check seed and path; replay with COMFY_PROGRESS_FUZZ_SEED and COMFY_PROGRESS_FUZZ_PATH on the same suite.',
  'Short runs of the same suites (small per-property defaults) are part of `pnpm test:integration`.',
]
const warnings = []
if (totalCases < TARGET_CASES * scale) {
  warnings.push(
    `only ${count(totalCases)} of ${count(TARGET_CASES * scale)} cases ran within the time limits`,
  )
}
if (elapsedMs > budgetMs)
  warnings.push(`the run took ${seconds(elapsedMs)} s, over its ${seconds(budgetMs)} s budget`)
if (exitCodes.some((code) => code !== 0)) warnings.push('a suite failed: see its seed above')
if (lines.length < expectedProperties) {
  warnings.push(
    `${expectedProperties - lines.length} of ${expectedProperties} properties reported no count (a suite did not run)`,
  )
}
for (const warning of warnings) console.warn(`fuzz: WARNING: ${warning}`)
notes.push(...warnings.map((warning) => `Warning: ${warning}.`))

mkdirSync(join(root, 'bench-results'), { recursive: true })
const report = {
  id: 'fuzz',
  title: 'Fuzzing',
  command: 'pnpm soak',
  sections: [
    {
      title: 'Property-based fuzzing (fast-check)',
      description:
        'Mutated recorded ComfyUI frames (text and binary) through parseMessage, reduceProgress and a real ComfyClient on a real WebSocket; ' +
        'fuzzed requests to every route (fetch adapter with Request objects, node adapter on loopback) and SSE resume cursors, with tasks created before checked unchanged; ' +
        "SSE input to the browser WebhookManager; webhook URLs and configs against the SSRF guard. Properties: nothing throws, every rejection carries a code from core's table, other tasks are untouched.",
      columns,
      rows,
      notes,
    },
  ],
}
writeFileSync(join(root, 'bench-results', 'fuzz.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log('fuzz: wrote bench-results/fuzz.json')
process.exit(exitCodes.some((code) => code !== 0) ? 1 : 0)

function printTable(header, body) {
  const widths = header.map((name, i) => Math.max(name.length, ...body.map((row) => String(row[i]).length)))
  const line = (cells) =>
    cells
      .map((cell, i) => String(cell).padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  console.log(line(header))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of body) console.log(line(row))
}
