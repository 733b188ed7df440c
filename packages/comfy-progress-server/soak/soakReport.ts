/**
 * The soak's verdict and report: the invariants a run must keep, a plain-text table for the
 * terminal, and the JSON section for `bench-results/soak.json`.
 */
import { faultKinds } from './chaos.js'
import { handlesBackToBaseline, type SoakResult } from './runSoak.js'

/** The invariants `result` breaks, as sentences (empty: the run passed). */
export function checkInvariants(result: SoakResult): string[] {
  const failures: string[] = []
  const check = (ok: boolean, text: string) => {
    if (!ok) failures.push(text)
  }
  check(
    !result.budgetExceeded,
    `time budget exceeded after ${result.generations} of ${result.requested} generations`,
  )
  check(
    result.generations === result.requested,
    `${result.requested - result.generations} generations did not run`,
  )
  const { sse, webhooks } = result
  check(
    sse.exactlyOnce === sse.expected,
    `SSE: ${sse.expected - sse.exactlyOnce} subscribers without exactly one right terminal event`,
  )
  check(sse.lost === 0, `SSE: ${sse.lost} terminal events lost`)
  check(sse.duplicated === 0, `SSE: ${sse.duplicated} terminal events duplicated`)
  check(sse.wrongOutcome === 0, `SSE: ${sse.wrongOutcome} wrong outcomes`)
  check(sse.gaps === 0, `SSE: ${sse.gaps} gaps in event ids`)
  check(sse.duplicateIds === 0, `SSE: ${sse.duplicateIds} repeated event ids`)
  check(
    webhooks.exactlyOnce === webhooks.expected,
    `webhooks: ${webhooks.expected - webhooks.exactlyOnce} receiver×task pairs without exactly one right terminal event`,
  )
  check(webhooks.lost === 0, `webhooks: ${webhooks.lost} terminal events lost`)
  check(
    webhooks.duplicated === 0,
    `webhooks: ${webhooks.duplicated} tasks with two different terminal events`,
  )
  check(webhooks.wrongOutcome === 0, `webhooks: ${webhooks.wrongOutcome} wrong outcomes`)
  check(webhooks.badSignatures === 0, `webhooks: ${webhooks.badSignatures} requests failed verification`)
  check(
    webhooks.sequenceMismatches === 0,
    `webhooks: ${webhooks.sequenceMismatches} terminal sequences differ from the SSE id`,
  )
  // One instance: an acknowledged event is never sent again. With a takeover, the new owner replays
  // the task's log under the same webhook-ids (documented); receivers de-duplicate.
  if (result.mode === 'memory') {
    check(webhooks.redeliveries === 0, `webhooks: ${webhooks.redeliveries} acknowledged events sent again`)
  }
  check(
    handlesBackToBaseline(result.handles.baseline, result.handles.end),
    `open handles not back to baseline: ${JSON.stringify(result.handles.end)} vs ${JSON.stringify(result.handles.baseline)}`,
  )
  return failures
}

type Row = readonly [string, ...string[]]

function rows(results: readonly SoakResult[]): Row[] {
  const col = (pick: (r: SoakResult) => string | number): string[] => results.map((r) => String(pick(r)))
  const pair = (once: number, expected: number) => `${once} / ${expected}`
  return [
    [
      'generations (run / asked)',
      ...col((r) => `${r.generations} / ${r.requested}${r.budgetExceeded ? ' (budget hit)' : ''}`),
    ],
    ['wall time (s)', ...col((r) => (r.durationMs / 1000).toFixed(1))],
    ['outcome: completed', ...col((r) => r.outcomes.completed)],
    ['outcome: error', ...col((r) => r.outcomes.error)],
    ['outcome: cancelled', ...col((r) => r.outcomes.cancelled)],
    [
      'simulator: completed / error / interrupted / never finished',
      ...col(
        (r) =>
          `${r.simOutcomes.completed} / ${r.simOutcomes.error} / ${r.simOutcomes.cancelled} / ${r.simOutcomes.none}`,
      ),
    ],
    ['finished unseen, then erased by a restart (error accepted)', ...col((r) => r.forgottenByRestart)],
    ['SSE terminal exactly once (subscribers)', ...col((r) => pair(r.sse.exactlyOnce, r.sse.expected))],
    ['SSE terminal lost', ...col((r) => r.sse.lost)],
    ['SSE terminal duplicated', ...col((r) => r.sse.duplicated)],
    ['SSE wrong outcome', ...col((r) => r.sse.wrongOutcome)],
    ['SSE id gaps / repeats (after resume)', ...col((r) => `${r.sse.gaps} / ${r.sse.duplicateIds}`)],
    ['SSE resumes (reconnects)', ...col((r) => r.sse.reconnects)],
    ['SSE subscriber×task pairs on multi-task streams', ...col((r) => r.sse.onMultiTaskStreams)],
    [
      'webhook terminal exactly once (receiver×task)',
      ...col((r) => pair(r.webhooks.exactlyOnce, r.webhooks.expected)),
    ],
    ['webhook terminal lost', ...col((r) => r.webhooks.lost)],
    ['webhook terminal duplicated', ...col((r) => r.webhooks.duplicated)],
    [
      'webhook wrong outcome / sequence ≠ SSE id',
      ...col((r) => `${r.webhooks.wrongOutcome} / ${r.webhooks.sequenceMismatches}`),
    ],
    ['webhook bad signatures', ...col((r) => r.webhooks.badSignatures)],
    ['webhook attempts refused by receivers (500/timeout)', ...col((r) => r.webhooks.refused)],
    ['webhook redeliveries of acknowledged ids', ...col((r) => r.webhooks.redeliveries)],
    ['faults injected', ...col((r) => Object.values(r.faults).reduce((a, b) => a + b, 0))],
    ...faultKinds.map((kind): Row => [`  ${kind}`, ...col((r) => r.faults[kind])]),
    ['instance killed (SIGKILL)', ...col((r) => r.killed ?? '—')],
    [
      'heap MB: baseline / peak / end',
      ...col((r) => `${r.heap.baselineMb} / ${r.heap.peakMb} / ${r.heap.endMb}`),
    ],
    ['open handles: baseline → end', ...col((r) => `${total(r.handles.baseline)} → ${total(r.handles.end)}`)],
    ['server background errors', ...col((r) => r.serverErrors.length)],
    [
      'invariants',
      ...col((r) => (checkInvariants(r).length === 0 ? 'all kept' : `${checkInvariants(r).length} broken`)),
    ],
  ]
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0)
}

/** The results as a plain-text table, with the problems found listed below it. */
export function formatReport(results: readonly SoakResult[]): string {
  const header: Row = ['', ...results.map((r) => `${r.mode} (seed ${r.seed})`)]
  const table = [header, ...rows(results)]
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)))
  const line = (row: Row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' │ ')
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows(results).map(line)]
  for (const result of results) {
    for (const problem of result.problems) out.push(`${result.mode}: ${problem}`)
    const errors = new Map<string, number>()
    for (const error of result.serverErrors) {
      const key = error.slice(0, 160)
      errors.set(key, (errors.get(key) ?? 0) + 1)
    }
    for (const [error, count] of errors) out.push(`${result.mode}: server error ×${count}: ${error}`)
  }
  return out.join('\n')
}

/** The report in the shape `bench-results/*.json` use. */
export function soakReportJson(results: readonly SoakResult[]) {
  return {
    id: 'soak',
    title: 'Fault soak: generations through the whole stack under injected faults',
    command: 'pnpm soak',
    sections: [
      {
        title: 'Terminal events under faults, per mode',
        description:
          'Generations through the ComfyUI simulator, ComfyClient, TaskManager and the node adapter, followed by real EventSource subscribers (slow, stuck, cut and resumed with Last-Event-ID, late) and real webhook receivers (failing, timing out, slow, then recovering), while socket drops, refused reconnects, HTTP 500s, slow and torn frames, node failures and simulator restarts are injected at random (seeded). Redis mode: two server processes on one Redis, one SIGKILLed mid-run. Every terminal event is checked against what the simulator did with the prompt.',
        columns: ['', ...results.map((r) => `${r.mode} (seed ${r.seed})`)],
        rows: rows(results).map((row) => [...row]),
        notes: [
          `Machine: ${process.platform} ${process.arch}, Node ${process.version}, ${new Date().toISOString()}.`,
          'Replay a run with SOAK_SEED=<seed> (timing still varies; every random choice is the same).',
          "Expected outcome: the simulator's history (success → completed, execution_error → error, interrupted → cancelled); a prompt that never finished there (refused, lost in a restart, removed from the queue) → cancelled if the cancel was accepted, else error. A cancelled task whose prompt failed in ComfyUI before the interrupt took effect may say either; so may a prompt that finished unseen by the server and was then erased by a restart (error).",
          ...results.flatMap((r) => r.problems.map((p) => `${r.mode}: ${p}`)),
        ],
      },
    ],
  }
}
