/**
 * Fan-out benchmark: one published event to 1 000, 5 000 and 10 000 loopback SSE subscribers of one
 * task, through three servers in the same run: a bare `http` write loop (the floor), better-sse
 * (a channel broadcast) and comfy-progress (store append + bus publish through the node adapter).
 * The receiving clients run in another process (`fanOutClients.ts`).
 *
 * Measured per server and size:
 * - heap per idle connection: heap growth after N connections opened (after GC), divided by N;
 * - publish-to-receive latency p50/p99, over 20 events published one at a time (each waits for every
 *   subscriber to have the previous one);
 * - delivered events per second in a burst of 50 events published back to back;
 * - server time per publish: the synchronous part of one publish to N subscribers.
 *
 * Run: `pnpm bench` (builds first; `FANOUT_SIZES=1000 FANOUT_REPEATS=1 pnpm bench` for a quick look).
 * It measures the built package (`dist/`), and needs `--expose-gc`.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { TaskEvent } from '@comfy-progress/core'
import { createChannel, createSession } from 'better-sse'
// The built package, as users run it (the source through tsx would measure tsx's helpers too).
import { createTaskId, MemoryEventBus, MemoryTaskStore } from '@comfy-progress/server'
import { createSseHandler } from '@comfy-progress/server/node'

const SIZES = (process.env.FANOUT_SIZES ?? '1000,5000,10000').split(',').map(Number)
const LATENCY_EVENTS = 20
const BURST_EVENTS = 50
const now = () => performance.timeOrigin + performance.now()
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc (pnpm bench does)')

/** A server under test: one task, N subscribers, `publish(i)` sends event i to all of them. */
interface Subject {
  readonly name: string
  start(): Promise<{ url: string; publish(i: number): Promise<number>; close(): Promise<void> }>
}

const taskId = createTaskId()
/** The same payload for every server: an in-progress task event whose `currentValue` names it. */
const event = (i: number): TaskEvent => ({
  taskId,
  status: 'in-progress',
  progress: { percentage: Math.min(99, i), currentStep: 'Sampling image...', currentValue: i, maxValue: 128 },
  timestamp: new Date().toISOString(),
  eta: 3.2,
  queuePosition: null,
  node: { id: '3', classType: 'KSampler' },
})

async function listen(server: Server): Promise<string> {
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 })
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/progress/${taskId}`
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
}

const bare: Subject = {
  name: 'bare http loop',
  async start() {
    const clients = new Set<ServerResponse>()
    const server = createServer((req, res) => {
      res.writeHead(200, SSE_HEADERS)
      res.write(': hi\n\n')
      clients.add(res)
      res.on('close', () => clients.delete(res))
    })
    const url = await listen(server)
    let seq = 0
    return {
      url,
      publish: (i) => {
        const started = performance.now()
        const frame = Buffer.from(`event: in-progress\ndata: ${JSON.stringify(event(i))}\nid: ${++seq}\n\n`)
        for (const res of clients) res.write(frame)
        return Promise.resolve(performance.now() - started)
      },
      close: () => closeServer(server),
    }
  },
}

const betterSse: Subject = {
  name: 'better-sse',
  async start() {
    const channel = createChannel()
    const server = createServer((req, res) => {
      void createSession(req, res, { keepAlive: null }).then((session) => channel.register(session))
    })
    const url = await listen(server)
    return {
      url,
      publish: (i) => {
        const started = performance.now()
        channel.broadcast(event(i), 'in-progress')
        return Promise.resolve(performance.now() - started)
      },
      close: () => closeServer(server),
    }
  },
}

const ours: Subject = {
  name: 'comfy-progress',
  async start() {
    const store = new MemoryTaskStore()
    const bus = new MemoryEventBus()
    await store.create({ taskId })
    await bus.publish(await store.append(taskId, { ...event(0), status: 'queued' }))
    const handle = createSseHandler({
      tasks: { store, bus },
      maxSubscribers: 100_000,
      maxSubscribersPerTask: 100_000,
      heartbeatMs: 3_600_000,
    })
    const server = createServer((req, res) => void handle(req, res))
    const url = await listen(server)
    return {
      url,
      publish: async (i) => {
        const entry = await store.append(taskId, event(i))
        const started = performance.now()
        await bus.publish(entry)
        return performance.now() - started
      },
      close: () => closeServer(server),
    }
  },
}

interface Result {
  readonly heapPerConnection: number
  readonly p50: number
  readonly p99: number
  /** Delivered events per second of wall-clock time (bounded by the client process as well). */
  readonly eventsPerSecond: number
  /** Delivered events per second of the server process's CPU time: the server's own capacity. */
  readonly eventsPerCpuSecond: number
  readonly publishMs: number
}

function request<T>(child: ChildProcess, message: unknown, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (answer: Record<string, unknown>) => {
      if (!(reply in answer)) return
      child.off('message', onMessage)
      resolve(answer as T)
    }
    child.on('message', onMessage)
    child.send(message as object)
  })
}

/** Lets pending I/O callbacks run, then collects garbage twice, for a steady heap reading. */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    gc!()
  }
}

async function run(subject: Subject, size: number): Promise<Result> {
  const child = fork(new URL('./fanOutClients.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })
  await settle()
  const heapBefore = process.memoryUsage().heapUsed
  const server = await subject.start()
  await request(child, { connect: { url: server.url, count: size } }, 'connected')
  await settle()
  const heapPerConnection = (process.memoryUsage().heapUsed - heapBefore) / size

  const publishTimes: number[] = []
  for (let i = 1; i <= LATENCY_EVENTS; i++) {
    child.send({ sent: i, at: now() })
    publishTimes.push(await server.publish(i))
    await request(child, { expect: i }, 'received')
  }
  const latency = await request<{ report: { p50: number; p99: number } }>(
    child,
    { report: [1, LATENCY_EVENTS] },
    'report',
  )

  const first = LATENCY_EVENTS + 1
  const last = LATENCY_EVENTS + BURST_EVENTS
  const cpuBefore = process.cpuUsage()
  for (let i = first; i <= last; i++) {
    child.send({ sent: i, at: now() })
    await server.publish(i)
    await nextTurn()
  }
  await request(child, { expect: last }, 'received')
  const cpu = process.cpuUsage(cpuBefore)
  const burst = await request<{ report: { delivered: number; spanMs: number } }>(
    child,
    { report: [first, last] },
    'report',
  )

  child.send({ close: true })
  await once(child, 'exit')
  await server.close()
  publishTimes.sort((a, b) => a - b)
  return {
    heapPerConnection,
    p50: latency.report.p50,
    p99: latency.report.p99,
    eventsPerSecond: burst.report.delivered / (burst.report.spanMs / 1000),
    eventsPerCpuSecond: burst.report.delivered / ((cpu.user + cpu.system) / 1e6),
    publishMs: publishTimes[Math.floor(publishTimes.length / 2)]!,
  }
}

const REPEATS = Number(process.env.FANOUT_REPEATS ?? 3)
const subjects = [bare, betterSse, ours]
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number, digits: number, width: number) => n.toFixed(digits).padStart(width)

console.log(
  `fan-out to one task: ${LATENCY_EVENTS} paced events (latency) + a burst of ${BURST_EVENTS} (throughput); ` +
    `median of ${REPEATS} runs; clients in another process\n`,
)
console.log('subscribers server          events/s  events/cpu-s   p50 ms   p99 ms  publish ms  heap/conn B')
// Warm up every server once (JIT, inline caches, module state) so the first measured one is not penalised.
for (const subject of subjects) await run(subject, 200)

for (const size of SIZES) {
  const runs = new Map<Subject, Result[]>(subjects.map((subject) => [subject, []]))
  // Interleaved, so that drift on the machine hits every server alike.
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const subject of subjects) runs.get(subject)!.push(await run(subject, size))
  }
  const results = new Map<Subject, Result>()
  for (const subject of subjects) {
    const all = runs.get(subject)!
    const pick = (key: keyof Result) => median(all.map((result) => result[key]))
    const result: Result = {
      heapPerConnection: pick('heapPerConnection'),
      p50: pick('p50'),
      p99: pick('p99'),
      eventsPerSecond: pick('eventsPerSecond'),
      eventsPerCpuSecond: pick('eventsPerCpuSecond'),
      publishMs: pick('publishMs'),
    }
    results.set(subject, result)
    console.log(
      `${String(size).padEnd(12)}${subject.name.padEnd(15)}${fmt(result.eventsPerSecond, 0, 10)}${fmt(result.eventsPerCpuSecond, 0, 14)}` +
        `${fmt(result.p50, 1, 9)}${fmt(result.p99, 1, 9)}${fmt(result.publishMs, 2, 12)}${fmt(result.heapPerConnection, 0, 13)}`,
    )
  }
  const o = results.get(ours)!
  const b = results.get(betterSse)!
  const floor = results.get(bare)!
  const ratio = (a: number, c: number) => (a / c).toFixed(2)
  console.log(
    `${''.padEnd(12)}vs better-sse: events/s ${ratio(o.eventsPerSecond, b.eventsPerSecond)}×, events/cpu-s ` +
      `${ratio(o.eventsPerCpuSecond, b.eventsPerCpuSecond)}× (target ≥ 2); vs the bare floor: p99 ` +
      `${ratio(o.p99, floor.p99)}×, publish ${ratio(o.publishMs, floor.publishMs)}×, heap/conn ` +
      `${ratio(o.heapPerConnection, floor.heapPerConnection)}× (targets ≤ 1.5)\n`,
  )
}
