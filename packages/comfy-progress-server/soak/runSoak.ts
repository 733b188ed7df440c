/**
 * The fault soak: N generations through the whole real stack (simulator → ComfyClient → TaskManager →
 * node adapter → real EventSource subscribers and real webhook receivers) while `chaos.ts` injects
 * faults, then a check of every terminal event against what the simulator really did with the
 * prompt. Used by `main.ts` (`pnpm soak`) and by the short version in the integration tests.
 */
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Chaos, type FaultKind, faultKinds, startChaos } from './chaos.js'
import { startMemoryStack } from './memoryStack.js'
import { startRedisStack } from './redisStack.js'
import { expectedStatus, type SimOutcome, SimTruth, type TerminalStatus } from './simTruth.js'
import { createWebhookSecret } from '../src/webhooks/webhookSecret.js'
import { type SoakReceiver, startSoakReceiver } from './soakReceiver.js'
import { createSoakRandom, type SoakRandom } from './soakRandom.js'
import type { SoakStack, SoakTaskView, SoakWebhooks } from './soakStack.js'
import { followTasks, type SubscriberBehaviour, type SubscriberResult } from './soakSubscriber.js'

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** `memory`: one in-process instance; `redis`: two child processes on Redis, one killed mid-run. */
  readonly mode: 'memory' | 'redis'
  readonly generations: number
  readonly seed: number
  /** Stop starting generations after this long (the run then fails). */
  readonly budgetMs: number
  /** Generations in flight at once. @default 6 */
  readonly concurrency?: number
  /** Mean time between two faults. @default 150 */
  readonly meanFaultGapMs?: number
  /** Least time between two simulator restarts. @default 4000 */
  readonly restartEveryMs?: number
  /** How long a subscriber waits for its terminal event. @default 60000 */
  readonly subscriberDeadlineMs?: number
  /**
   * Wait, before the kill, until every task that has ended got its terminal webhooks, so that the
   * kill hits running tasks only. Off, the kill may also hit tasks that ended with deliveries still
   * queued or retried in the killed instance: the instance taking them over re-sends their terminal
   * event (a terminal webhook missing afterwards counts as lost). @default false
   */
  readonly settleWebhooksBeforeKill?: boolean
  /** The fault kinds to inject. @default every kind (without `server connections cut` in Redis mode) */
  readonly faultKinds?: readonly FaultKind[]
  /** Progress lines. @default none */
  readonly log?: (line: string) => void
}

/** How one generation went. */
export interface GenerationRecord {
  /** The generation's number in the run (0 first). */
  readonly index: number
  readonly taskId: string
  readonly promptId: string | undefined
  readonly cancel: 'none' | 'accepted' | 'refused' | 'unknown'
  readonly subscribers: readonly SubscriberResult[]
  readonly webhookReceivers: readonly string[]
}

/** Delivery counts of one channel (SSE subscribers, or webhook receivers). */
export interface DeliveryCounts {
  /** Subscriber×task (or receiver×task) pairs that should get a terminal event. */
  readonly expected: number
  readonly exactlyOnce: number
  readonly lost: number
  readonly duplicated: number
  readonly wrongOutcome: number
}

/** Everything a soak run measured. */
export interface SoakResult {
  readonly mode: SoakOptions['mode']
  readonly seed: number
  readonly requested: number
  readonly generations: number
  readonly budgetExceeded: boolean
  readonly durationMs: number
  /** Per terminal status the server reported (as the first subscriber saw it). */
  readonly outcomes: Record<TerminalStatus | 'none', number>
  /** Per outcome in the simulator. */
  readonly simOutcomes: Record<SimOutcome, number>
  /**
   * Tasks whose prompt finished in the simulator unseen by the server (its socket down, /history
   * failing) and was then erased by a restart: `error` is then as right as the simulator's outcome.
   */
  readonly forgottenByRestart: number
  readonly sse: DeliveryCounts & {
    readonly gaps: number
    readonly duplicateIds: number
    readonly reconnects: number
    /** Subscriber×task pairs followed on a multi-task stream (`/progress?tasks=…`). */
    readonly onMultiTaskStreams: number
    readonly behaviours: Record<SubscriberBehaviour, number>
  }
  readonly webhooks: DeliveryCounts & {
    readonly badSignatures: number
    readonly redeliveries: number
    readonly refused: number
    readonly sequenceMismatches: number
  }
  readonly faults: Record<FaultKind, number>
  readonly killed: string | null
  readonly heap: { readonly baselineMb: number; readonly peakMb: number; readonly endMb: number }
  readonly handles: { readonly baseline: Record<string, number>; readonly end: Record<string, number> }
  readonly serverErrors: readonly string[]
  /** The first few problems, task by task, for the report. */
  readonly problems: readonly string[]
}

const WORKFLOW = JSON.parse(
  readFileSync(new URL('../../../fixtures/comfyui/workflows/txt2img-basic.json', import.meta.url), 'utf8'),
) as Record<string, { class_type: string; inputs: Record<string, unknown> }>

const BEHAVIOURS: readonly SubscriberBehaviour[] = [
  'normal',
  'normal',
  'normal',
  'slow',
  'slow',
  'stuck',
  'cut',
  'cut',
  'resume',
  'resume',
  'late',
]

/** Runs one soak and measures it. Never throws for a failed invariant: read the result. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  // What is open so far, closed (newest first) if a step throws, so a failed run leaves nothing behind.
  const opened: (() => unknown)[] = []
  try {
    return await runSoakSteps(options, (close) => opened.push(close))
  } catch (error) {
    for (const close of opened.reverse())
      await Promise.resolve()
        .then(close)
        .catch(() => undefined)
    throw error
  }
}

async function runSoakSteps(
  options: SoakOptions,
  onFailureClose: (close: () => unknown) => void,
): Promise<SoakResult> {
  const log = options.log ?? (() => undefined)
  const random = createSoakRandom(options.seed)
  const started = Date.now()
  const baselineHandles = activeHandles()
  const heap = { baseline: heapMb(), peak: heapMb() }
  const heapTimer = setInterval(() => (heap.peak = Math.max(heap.peak, heapMb())), 200)
  onFailureClose(() => clearInterval(heapTimer))

  const secrets = { all: createWebhookSecret(), final: createWebhookSecret(), own: createWebhookSecret() }
  const receivers = {
    all: await startSoakReceiver('all', secrets.all),
    final: await startSoakReceiver('final', secrets.final),
    own: await startSoakReceiver('own', secrets.own),
  }
  onFailureClose(() => Promise.all(Object.values(receivers).map((r) => r.close())))
  const webhooks: SoakWebhooks = {
    endpoints: [
      { id: 'all', url: receivers.all.url, secret: secrets.all },
      {
        id: 'final',
        url: receivers.final.url,
        secret: secrets.final,
        events: ['completed', 'error', 'cancelled'],
      },
    ],
    taskSecret: secrets.own,
  }
  let truth: SimTruth | undefined
  const stack: SoakStack =
    options.mode === 'memory'
      ? await startMemoryStack(webhooks, (sim) => (truth = new SimTruth(sim)))
      : await startRedisStack({ webhooks })
  onFailureClose(() => stack.close())
  truth ??= new SimTruth(stack.sim)
  const simTruth = truth

  const records: GenerationRecord[] = []
  const extraSubscribers: SubscriberResult[] = []
  const unfinished = new Set<string>()
  /** Tasks whose prompt finished unseen by the server, then a restart erased it from ComfyUI. */
  const forgotten = new Set<string>()
  /** Tasks that had ended when an instance was killed (their webhooks may still have been queued there). */
  const endedBeforeKill = new Set<string>()
  const chaos: Chaos = startChaos({
    stack,
    receivers: Object.values(receivers),
    random: createSoakRandom(options.seed ^ 0x5eed),
    meanGapMs: options.meanFaultGapMs ?? 150,
    restartEveryMs: options.restartEveryMs ?? 4_000,
    kinds: (options.faultKinds ?? faultKinds).filter(
      (kind) => options.mode === 'memory' || kind !== 'server connections cut',
    ),
    beforeRestart: async () => {
      log(`simulator restart at ${Math.round((Date.now() - started) / 100) / 10} s`)
      const tasks = new Map<string, { promptId?: string; status?: string } | undefined>()
      for (const taskId of unfinished) {
        const task = await stack.taskOf(taskId).catch(() => undefined)
        tasks.set(taskId, task)
        if (task?.promptId !== undefined) simTruth.learn(task.promptId)
      }
      await simTruth.settle()
      // A prompt that finished in ComfyUI while the server could not see it (socket down, its
      // /history answering 500) and is then forgotten by the restart can only end as an error.
      for (const [taskId, task] of tasks) {
        const finished = simTruth.outcome(task?.promptId) !== 'none'
        if (finished && !['completed', 'error', 'cancelled'].includes(task?.status ?? '')) {
          forgotten.add(taskId)
        }
      }
    },
  })
  onFailureClose(() => chaos.stop())

  let killed: string | null = null
  let budgetExceeded = false
  const concurrency = options.concurrency ?? 6
  const inFlight = new Set<Promise<void>>()
  const killAt = Math.floor(options.generations * 0.4)
  for (let n = 0; n < options.generations; n++) {
    if (Date.now() - started > options.budgetMs) {
      budgetExceeded = true
      log(`time budget of ${options.budgetMs} ms exceeded after ${n} generations: stopping`)
      break
    }
    if (n === killAt && stack.killOne !== undefined) {
      if (options.settleWebhooksBeforeKill === true) {
        await settleWebhooks({
          stack,
          receivers: Object.values(receivers),
          taskIds: [...unfinished, ...records.map((r) => r.taskId)],
        })
      }
      killed = await stack.killOne()
      // Right after the kill, before any lease has run out: what has ended by now ended on the killed
      // instance or on a live one (whose deliveries are not at risk).
      await Promise.all(
        [...unfinished, ...records.map((r) => r.taskId)].map(async (taskId) => {
          const status = (await stack.taskOf(taskId).catch(() => undefined))?.status
          if (status === 'completed' || status === 'error' || status === 'cancelled')
            endedBeforeKill.add(taskId)
        }),
      )
      await stack.replaceKilled?.()
      log(
        `killed instance ${killed} (SIGKILL) at generation ${n}, ${Math.round((Date.now() - started) / 100) / 10} s`,
      )
    }
    const generation = runGeneration({
      stack,
      random,
      truth: simTruth,
      unfinished,
      options,
      ownUrl: receivers.own.url,
      index: n,
      extraSubscribers,
    }).then(
      (record) => void records.push(record),
      (error: unknown) => log(`generation ${n} failed to start: ${String(error)}`),
    )
    inFlight.add(generation)
    void generation.finally(() => inFlight.delete(generation))
    if (inFlight.size >= concurrency) await Promise.race(inFlight)
    if ((n + 1) % 100 === 0)
      log(`${n + 1} generations started (${Math.round((Date.now() - started) / 1000)} s)`)
  }
  await Promise.all(inFlight)
  await chaos.stop()

  // Let webhook retries drain against healthy receivers.
  const drainUntil = Date.now() + 30_000
  const allReceivers = Object.values(receivers)
  const missing = () =>
    records.some((r) =>
      r.webhookReceivers.some(
        (name) => (allReceivers.find((x) => x.name === name)?.terminals.get(r.taskId) ?? []).length === 0,
      ),
    )
  while (Date.now() < drainUntil && missing()) await sleep(100)
  await sleep(1_000) // a late duplicate would arrive now
  await stack.sim.whenIdle()

  const views = new Map(
    await Promise.all(
      records.map(async (r) => [r.taskId, await stack.taskOf(r.taskId).catch(() => undefined)] as const),
    ),
  )
  const withStreams = records.map((record) => ({
    ...record,
    view: views.get(record.taskId),
    subscribers: [...record.subscribers, ...extraSubscribers.filter((s) => s.taskId === record.taskId)],
  }))
  const result = evaluate({
    records: withStreams,
    receivers: allReceivers,
    truth: simTruth,
    forgotten,
    endedBeforeKill,
  })
  const serverErrors = [...stack.errors]
  await stack.close()
  await Promise.all(allReceivers.map((r) => r.close()))
  clearInterval(heapTimer)
  const endHandles = await settledHandles(baselineHandles)
  // The end heap after a collection when there is one to call (`pnpm soak` runs with --expose-gc).
  ;(globalThis as { gc?: () => void }).gc?.()
  return {
    mode: options.mode,
    seed: options.seed,
    requested: options.generations,
    generations: records.length,
    budgetExceeded,
    durationMs: Date.now() - started,
    ...result,
    faults: { ...chaos.counts },
    killed,
    heap: { baselineMb: heap.baseline, peakMb: heap.peak, endMb: heapMb() },
    handles: { baseline: baselineHandles, end: endHandles },
    serverErrors,
  }
}

/** Waits (up to 15 s) until each ended task among `taskIds` has a terminal event at `final` and `all`. */
async function settleWebhooks(input: {
  stack: SoakStack
  receivers: readonly SoakReceiver[]
  taskIds: readonly string[]
}): Promise<void> {
  const until = Date.now() + 15_000
  for (const taskId of input.taskIds) {
    for (;;) {
      const status = (await input.stack.taskOf(taskId).catch(() => undefined))?.status
      const ended = status === 'completed' || status === 'error' || status === 'cancelled'
      const delivered = input.receivers
        .filter((r) => r.name !== 'own')
        .every((r) => (r.terminals.get(taskId) ?? []).length > 0)
      if (!ended || delivered || Date.now() > until) break
      await sleep(20)
    }
  }
}

interface GenerationContext {
  readonly stack: SoakStack
  readonly random: SoakRandom
  readonly truth: SimTruth
  readonly unfinished: Set<string>
  readonly options: SoakOptions
  /** The per-task webhook receiver's URL. */
  readonly ownUrl: string
  /** What multi-task streams saw of other generations' tasks (merged in at the end). */
  readonly extraSubscribers: SubscriberResult[]
  readonly index: number
}

async function runGeneration(context: GenerationContext): Promise<GenerationRecord> {
  const { stack, random, truth } = context
  const workflow = structuredClone(WORKFLOW)
  const sampler = workflow['3']
  if (sampler !== undefined) {
    sampler.inputs.seed = random.int(0, 2 ** 31)
    sampler.inputs.steps = random.int(8, 24)
  }
  const own = random.chance(0.3)
  const body = JSON.stringify({
    workflow,
    workflowName: 'txt2img',
    prompt: 'a lighthouse at dusk',
    ...(own ? { webhook: { url: context.ownUrl, events: ['completed', 'error', 'cancelled'] } } : {}),
  })
  const taskId = await postGenerate(stack, body, random)
  context.unfinished.add(taskId)
  const learned = learnPromptId(stack, truth, taskId)

  let cancel: GenerationRecord['cancel'] = 'none'
  const cancelling = random.chance(0.1)
    ? sleep(random.int(0, 400)).then(async () => {
        cancel = await postCancel(stack, taskId, random)
      })
    : Promise.resolve()
  const count = random.int(1, 3)
  // Some subscribers follow this task and one or two others in flight on one multi-task stream.
  const others = [...context.unfinished].filter((id) => id !== taskId)
  const streams = Array.from({ length: count }, (): readonly string[] =>
    others.length > 0 && random.chance(0.2)
      ? [taskId, ...new Set([random.pick(others), random.pick(others)])]
      : [taskId],
  )
  const results = await Promise.all(
    streams.map((taskIds) =>
      followTasks({
        taskIds,
        behaviour: random.pick(BEHAVIOURS),
        instances: () => stack.instances(),
        random,
        deadlineMs: context.options.subscriberDeadlineMs ?? 60_000,
      }),
    ),
  )
  const subscribers: SubscriberResult[] = []
  for (const result of results.flat()) {
    if (result.taskId === taskId) subscribers.push(result)
    else context.extraSubscribers.push(result)
  }
  await cancelling
  await learned
  const promptId = await stack
    .taskOf(taskId)
    .then((task) => task?.promptId)
    .catch(() => undefined)
  if (promptId !== undefined) truth.learn(promptId)
  context.unfinished.delete(taskId)
  return {
    index: context.index,
    taskId,
    promptId,
    cancel,
    subscribers,
    webhookReceivers: ['all', 'final', ...(own ? ['own'] : [])],
  }
}

/** Learns the task's prompt id as soon as the store has it (before the submit with Redis leases). */
async function learnPromptId(stack: SoakStack, truth: SimTruth, taskId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const promptId = await stack
      .taskOf(taskId)
      .then((task) => task?.promptId)
      .catch(() => undefined)
    if (promptId !== undefined) {
      truth.learn(promptId)
      return
    }
    await sleep(20)
  }
}

async function postGenerate(stack: SoakStack, body: string, random: SoakRandom): Promise<string> {
  let lastError: unknown
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = random.pick(stack.instances())
    try {
      const response = await fetch(`${base}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const answer = (await response.json()) as { taskId?: string }
      if (response.status === 202 && typeof answer.taskId === 'string') return answer.taskId
      lastError = new Error(`POST /generate answered ${response.status}: ${JSON.stringify(answer)}`)
    } catch (error) {
      lastError = error
    }
    await sleep(50)
  }
  throw lastError
}

async function postCancel(
  stack: SoakStack,
  taskId: string,
  random: SoakRandom,
): Promise<GenerationRecord['cancel']> {
  try {
    const response = await fetch(`${random.pick(stack.instances())}/tasks/${taskId}/cancel`, {
      method: 'POST',
    })
    await response.arrayBuffer()
    if (response.status === 202) return 'accepted'
    if (response.status === 409) return 'refused'
    return 'unknown'
  } catch {
    return 'unknown'
  }
}

interface EvaluateInput {
  readonly records: readonly (GenerationRecord & { readonly view: SoakTaskView | undefined })[]
  readonly receivers: readonly SoakReceiver[]
  readonly truth: SimTruth
  readonly forgotten: ReadonlySet<string>
  readonly endedBeforeKill: ReadonlySet<string>
}

function evaluate(input: EvaluateInput) {
  const problems: string[] = []
  const note = (text: string) => {
    if (problems.length < 30) problems.push(text)
  }
  const outcomes: Record<TerminalStatus | 'none', number> = { completed: 0, error: 0, cancelled: 0, none: 0 }
  const simOutcomes: Record<SimOutcome, number> = { completed: 0, error: 0, cancelled: 0, none: 0 }
  const sse = {
    expected: 0,
    exactlyOnce: 0,
    lost: 0,
    duplicated: 0,
    wrongOutcome: 0,
    gaps: 0,
    duplicateIds: 0,
    reconnects: 0,
    onMultiTaskStreams: 0,
  }
  const behaviours = Object.fromEntries(BEHAVIOURS.map((b) => [b, 0])) as Record<SubscriberBehaviour, number>
  let forgottenCount = 0
  const hooks = {
    expected: 0,
    exactlyOnce: 0,
    lost: 0,
    duplicated: 0,
    wrongOutcome: 0,
    sequenceMismatches: 0,
  }

  for (const record of input.records) {
    const simOutcome = input.truth.outcome(record.promptId)
    simOutcomes[simOutcome]++
    const allowed = new Set<TerminalStatus>(
      record.cancel === 'unknown'
        ? [expectedStatus(simOutcome, false), expectedStatus(simOutcome, true)]
        : [expectedStatus(simOutcome, record.cancel === 'accepted')],
    )
    // Two races on the instance following the task end it cancelled while ComfyUI reports an error:
    // a cancel before the submit returned ends the task at once, and the interrupt sent once ComfyUI
    // accepted the prompt comes after a node failed; a cancel just as ComfyUI took the prompt up and
    // failed it: core's cancelPrompt finds it neither pending nor running after its delete and
    // answers `removed` without asking /history. (Elsewhere, TaskManager asks /history first.)
    if (record.cancel !== 'none' && simOutcome === 'error') allowed.add('cancelled')
    if (input.forgotten.has(record.taskId)) {
      allowed.add('error')
      forgottenCount++
    }
    const seen = record.subscribers.find((s) => s.terminals.length > 0)?.terminals[0]
    outcomes[(seen?.status as TerminalStatus | undefined) ?? 'none']++
    for (const subscriber of record.subscribers) {
      sse.expected++
      behaviours[subscriber.behaviour]++
      sse.gaps += subscriber.gaps
      sse.duplicateIds += subscriber.duplicates
      sse.reconnects += subscriber.connections - 1
      if (subscriber.streamTasks > 1) sse.onMultiTaskStreams++
      const [first, ...more] = subscriber.terminals
      if (first === undefined) {
        sse.lost++
        note(
          `${record.taskId}: SSE subscriber (${subscriber.behaviour}) got no terminal event (the task ended ${record.view?.status ?? '?'} after ${record.view?.tookMs ?? '?'} ms${record.view?.error === undefined ? '' : `, ${record.view.error}`}); saw ${describe(subscriber)}`,
        )
        continue
      }
      if (more.length > 0) {
        sse.duplicated++
        note(
          `${record.taskId}: SSE subscriber (${subscriber.behaviour}) got ${subscriber.terminals.length} terminal events: ${describe(subscriber)}`,
        )
      } else if (allowed.has(first.status as TerminalStatus)) sse.exactlyOnce++
      if (!allowed.has(first.status as TerminalStatus)) {
        sse.wrongOutcome++
        note(
          `#${record.index} ${record.taskId}: SSE said ${first.status}, simulator ${simOutcome}, cancel ${record.cancel}: ${describe(subscriber)}`,
        )
      }
      if (subscriber.gaps + subscriber.duplicates > 0) {
        note(`${record.taskId}: SSE ids out of sequence (${subscriber.behaviour}): ${describe(subscriber)}`)
      }
    }
    const sseTerminalId = seen?.id
    for (const name of record.webhookReceivers) {
      const receiver = input.receivers.find((r) => r.name === name)
      const got = receiver?.terminals.get(record.taskId) ?? []
      hooks.expected++
      const [first] = got
      if (first === undefined) {
        hooks.lost++
        note(
          `${record.taskId}${input.endedBeforeKill.has(record.taskId) ? ' (ended before the kill)' : ''}: webhook receiver ${name} got no terminal event; got ${receiver?.accepted.get(record.taskId)?.join(' ') ?? 'nothing'}`,
        )
        continue
      }
      if (got.length > 1) {
        hooks.duplicated++
        note(`${record.taskId}: webhook receiver ${name} got ${got.length} distinct terminal events`)
      } else if (allowed.has(first.status as TerminalStatus)) hooks.exactlyOnce++
      if (!allowed.has(first.status as TerminalStatus)) {
        hooks.wrongOutcome++
        note(`${record.taskId}: webhook ${name} said ${first.status}, simulator ${simOutcome}`)
      }
      if (sseTerminalId !== undefined && first.sequence !== sseTerminalId) {
        hooks.sequenceMismatches++
        note(`${record.taskId}: webhook ${name} terminal sequence ${first.sequence}, SSE id ${sseTerminalId}`)
      }
    }
  }
  const sum = (pick: (r: SoakReceiver) => number) => input.receivers.reduce((total, r) => total + pick(r), 0)
  return {
    outcomes,
    simOutcomes,
    sse: { ...sse, behaviours },
    webhooks: {
      ...hooks,
      badSignatures: sum((r) => r.badSignatures),
      redeliveries: sum((r) => r.redeliveries),
      refused: sum((r) => r.refused),
    },
    forgottenByRestart: forgottenCount,
    problems,
  }
}

function describe(subscriber: SubscriberResult): string {
  const events = subscriber.events.map(
    (e) => `${e.id}:${e.status}${e.detail === undefined ? '' : ` (${e.detail})`}`,
  )
  return [...subscriber.trace, ...events].join(' ')
}

function heapMb(): number {
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10
}

/** Active resources by type (`process.getActiveResourcesInfo()`). */
export function activeHandles(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

/** Whether `end` holds no more of any resource type than `baseline`. */
export function handlesBackToBaseline(
  baseline: Record<string, number>,
  end: Record<string, number>,
): boolean {
  return Object.entries(end).every(([type, count]) => count <= (baseline[type] ?? 0))
}

/** The active handles once timers and sockets closed at the end have gone (up to 10 s). */
async function settledHandles(baseline: Record<string, number>): Promise<Record<string, number>> {
  const until = Date.now() + 10_000
  let end = activeHandles()
  while (!handlesBackToBaseline(baseline, end) && Date.now() < until) {
    await sleep(100)
    end = activeHandles()
  }
  return end
}
