/**
 * Fan-out benchmark: one published event to 1 000, 5 000 and 10 000 loopback SSE subscribers of one
 * task, through four servers in the same run: a bare `http` write loop (the floor), better-sse
 * (a channel broadcast), comfy-progress on the memory store and bus (store append + bus publish
 * through the node adapter), and comfy-progress on Redis with two instances (each its own
 * RedisTaskStore, RedisEventBus and ioredis connections on 127.0.0.1:6379 under a fresh key prefix;
 * the subscribers are split across both, and one of them appends and publishes), against two
 * instances sharing one memory store and bus (the same split without Redis: its baseline). The two
 * instances run in this process, so heap and CPU cover both. The receiving clients run in another process
 * (`fanOutClients.ts`).
 *
 * Measured per server and size:
 * - heap per idle connection: heap growth after N connections opened (after GC), divided by N;
 * - publish-to-receive latency p50/p99, over 20 events published one at a time (each waits for every
 *   subscriber to have the previous one);
 * - delivered events per second in a burst of 50 events published back to back;
 * - server time per publish: the synchronous part of one publish to N subscribers (`bus.publish`);
 *   for the memory-vs-Redis comparison, the wall time of append + publish on the publishing instance
 *   and the server process's CPU time per paced publish (both instances, Redis client included).
 *
 * Run: `pnpm bench` (builds first; `FANOUT_SIZES=1000 FANOUT_REPEATS=1 pnpm bench` for a quick look;
 * `FANOUT_REDIS=0` leaves Redis out; Redis runs at the smallest and largest size unless
 * `FANOUT_REDIS_SIZES=1000,5000,10000` says otherwise). It measures the built package (`dist/`), needs `--expose-gc`,
 * and writes its tables to `bench-results/server-fanout.json` at the repository root.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { TaskEvent } from '@comfy-progress/core'
import { createChannel, createSession } from 'better-sse'
import { Redis } from 'ioredis'
// The built package, as users run it (the source through tsx would measure tsx's helpers too).
import {
  createTaskId,
  type EventBus,
  MemoryEventBus,
  MemoryTaskStore,
  type TaskStore,
} from '@comfy-progress/server'
import { createSseHandler } from '@comfy-progress/server/node'
import { RedisEventBus, RedisTaskStore } from '@comfy-progress/server/redis'
import { deleteKeysWithPrefix } from '../test/integration/redisHelpers.js'

const SIZES = (process.env.FANOUT_SIZES ?? '1000,5000,10000').split(',').map(Number)
const WITH_REDIS = process.env.FANOUT_REDIS !== '0'
/** The sizes also run through Redis (the two ends by default, to keep the whole bench near 5 minutes). */
const REDIS_SIZES = new Set(
  (process.env.FANOUT_REDIS_SIZES ?? `${SIZES[0]},${SIZES.at(-1)}`).split(',').map(Number),
)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const LATENCY_EVENTS = 20
const BURST_EVENTS = 50
const RESULTS_FILE = fileURLToPath(new URL('../../../bench-results/server-fanout.json', import.meta.url))
const now = () => performance.timeOrigin + performance.now()
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc (pnpm bench does)')

/** One publish: the synchronous fan-out (`publishMs`) and the whole write, append included (`writeMs`). */
interface PublishTiming {
  readonly publishMs: number
  readonly writeMs: number
}

/** A running server under test: N subscribers spread over `urls`, `publish(i)` sends event i to all. */
interface Running {
  readonly urls: readonly string[]
  publish(i: number): Promise<PublishTiming>
  close(): Promise<void>
}

/** A server under test: one task, started afresh for every measured run. */
interface Subject {
  readonly name: string
  start(): Promise<Running>
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

const syncTiming = (started: number): Promise<PublishTiming> => {
  const ms = performance.now() - started
  return Promise.resolve({ publishMs: ms, writeMs: ms })
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
      urls: [url],
      publish: (i) => {
        const started = performance.now()
        const frame = Buffer.from(`event: in-progress\ndata: ${JSON.stringify(event(i))}\nid: ${++seq}\n\n`)
        for (const res of clients) res.write(frame)
        return syncTiming(started)
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
      urls: [url],
      publish: (i) => {
        const started = performance.now()
        channel.broadcast(event(i), 'in-progress')
        return syncTiming(started)
      },
      close: () => closeServer(server),
    }
  },
}

/** An instance of comfy-progress: the SSE route of the node adapter over `store` and `bus`. */
async function startInstance(store: TaskStore, bus: EventBus): Promise<{ url: string; server: Server }> {
  const handle = createSseHandler({
    tasks: { store, bus },
    maxSubscribers: 100_000,
    maxSubscribersPerTask: 100_000,
    heartbeatMs: 3_600_000,
  })
  const server = createServer((req, res) => void handle(req, res))
  return { url: await listen(server), server }
}

/** Appends event i on `store` and publishes it on `bus`, timing both. */
async function appendAndPublish(store: TaskStore, bus: EventBus, i: number): Promise<PublishTiming> {
  const began = performance.now()
  const entry = await store.append(taskId, event(i))
  const started = performance.now()
  await bus.publish(entry)
  const ended = performance.now()
  return { publishMs: ended - started, writeMs: ended - began }
}

const ours: Subject = {
  name: 'comfy-progress',
  async start() {
    const store = new MemoryTaskStore()
    const bus = new MemoryEventBus()
    await store.create({ taskId })
    await bus.publish(await store.append(taskId, { ...event(0), status: 'queued' }))
    const { url, server } = await startInstance(store, bus)
    return {
      urls: [url],
      publish: (i) => appendAndPublish(store, bus, i),
      close: () => closeServer(server),
    }
  },
}

/**
 * Two instances on one memory store and bus, in this process: the same split of subscribers over two
 * servers as `redisTwo`, without Redis, so that the Redis comparison measures Redis and not the split.
 */
const memoryTwo: Subject = {
  name: 'memory, 2 instances',
  async start() {
    const store = new MemoryTaskStore()
    const bus = new MemoryEventBus()
    await store.create({ taskId })
    await bus.publish(await store.append(taskId, { ...event(0), status: 'queued' }))
    const instances = await Promise.all([0, 1].map(() => startInstance(store, bus)))
    return {
      urls: instances.map((instance) => instance.url),
      publish: (i) => appendAndPublish(store, bus, i),
      close: async () => {
        for (const instance of instances) await closeServer(instance.server)
      },
    }
  },
}

const redisTwo: Subject = {
  name: 'redis, 2 instances',
  async start() {
    const keyPrefix = `cp-bench:${randomBytes(6).toString('hex')}:`
    const instances = await Promise.all(
      ['a', 'b'].map(async () => {
        const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
        const store = new RedisTaskStore({ redis, keyPrefix })
        const bus = new RedisEventBus({ redis, keyPrefix })
        return { redis, store, bus, ...(await startInstance(store, bus)) }
      }),
    )
    // Instance a creates and publishes; b serves half of the subscribers from Redis alone.
    const a = instances[0]!
    await a.store.create({ taskId })
    await a.bus.publish(await a.store.append(taskId, { ...event(0), status: 'queued' }))
    return {
      urls: instances.map((instance) => instance.url),
      publish: (i) => appendAndPublish(a.store, a.bus, i),
      close: async () => {
        for (const instance of instances) {
          await closeServer(instance.server)
          await instance.bus.close()
        }
        await deleteKeysWithPrefix(a.redis, keyPrefix)
        for (const instance of instances) await instance.redis.quit()
      },
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
  /** Median `bus.publish` time of the paced events. */
  readonly publishMs: number
  /** Median append + publish time of the paced events, on the publishing instance. */
  readonly writeMs: number
  /** The server process's CPU time per paced publish (every instance's share, until all have it). */
  readonly cpuPerPublishMs: number
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

async function run(subject: Subject, size: number): Promise<Result> {
  const child = fork(new URL('./fanOutClients.ts', import.meta.url), { execArgv: ['--import', 'tsx'] })
  await settle()
  const heapBefore = process.memoryUsage().heapUsed
  const server = await subject.start()
  await request(child, { connect: { urls: server.urls, count: size } }, 'connected')
  await settle()
  const heapPerConnection = (process.memoryUsage().heapUsed - heapBefore) / size

  const timings: PublishTiming[] = []
  const pacedCpu = process.cpuUsage()
  for (let i = 1; i <= LATENCY_EVENTS; i++) {
    child.send({ sent: i, at: now() })
    timings.push(await server.publish(i))
    await request(child, { expect: i }, 'received')
  }
  const cpuPerPublishMs = cpuMs(process.cpuUsage(pacedCpu)) / LATENCY_EVENTS
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
  return {
    heapPerConnection,
    p50: latency.report.p50,
    p99: latency.report.p99,
    eventsPerSecond: burst.report.delivered / (burst.report.spanMs / 1000),
    eventsPerCpuSecond: burst.report.delivered / (cpuMs(cpu) / 1000),
    publishMs: median(timings.map((t) => t.publishMs)),
    writeMs: median(timings.map((t) => t.writeMs)),
    cpuPerPublishMs,
  }
}

const REPEATS = Number(process.env.FANOUT_REPEATS ?? 3)
const benchStarted = performance.now()
/** The machine's 1-minute load average when the bench started (other work skews every ratio). */
const loadAtStart = loadavg()[0]!
const subjects = [bare, betterSse, ours, ...(WITH_REDIS ? [memoryTwo, redisTwo] : [])]
const fmt = (n: number, digits: number, width: number) => n.toFixed(digits).padStart(width)
const ratio = (a: number, c: number) => `${(a / c).toFixed(2)}×`
const group = (n: number) => Math.round(n).toLocaleString('en-US')

console.log(
  `fan-out to one task: ${LATENCY_EVENTS} paced events (latency) + a burst of ${BURST_EVENTS} (throughput); ` +
    `median of ${REPEATS} runs; clients in another process\n`,
)
console.log(
  'subscribers server              events/s  events/cpu-s   p50 ms   p99 ms  publish ms  write ms  cpu/pub ms  heap/conn B',
)
// Warm up every server once (JIT, inline caches, module state) so the first measured one is not penalised.
for (const subject of subjects) await run(subject, 200)

const peerRows: string[][] = []
const redisRows: string[][] = []
const redisRatios: string[] = []
for (const size of SIZES) {
  const sized = subjects.filter(
    (subject) => (subject !== redisTwo && subject !== memoryTwo) || REDIS_SIZES.has(size),
  )
  const runs = new Map<Subject, Result[]>(sized.map((subject) => [subject, []]))
  // Interleaved, so that drift on the machine hits every server alike.
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const subject of sized) runs.get(subject)!.push(await run(subject, size))
  }
  const results = new Map<Subject, Result>()
  for (const subject of sized) {
    const all = runs.get(subject)!
    const pick = (key: keyof Result) => median(all.map((result) => result[key]))
    const result: Result = {
      heapPerConnection: pick('heapPerConnection'),
      p50: pick('p50'),
      p99: pick('p99'),
      eventsPerSecond: pick('eventsPerSecond'),
      eventsPerCpuSecond: pick('eventsPerCpuSecond'),
      publishMs: pick('publishMs'),
      writeMs: pick('writeMs'),
      cpuPerPublishMs: pick('cpuPerPublishMs'),
    }
    results.set(subject, result)
    console.log(
      `${String(size).padEnd(12)}${subject.name.padEnd(19)}${fmt(result.eventsPerSecond, 0, 10)}${fmt(result.eventsPerCpuSecond, 0, 14)}` +
        `${fmt(result.p50, 1, 9)}${fmt(result.p99, 1, 9)}${fmt(result.publishMs, 2, 12)}${fmt(result.writeMs, 2, 10)}` +
        `${fmt(result.cpuPerPublishMs, 2, 12)}${fmt(result.heapPerConnection, 0, 13)}`,
    )
  }
  const o = results.get(ours)!
  const b = results.get(betterSse)!
  const floor = results.get(bare)!
  for (const subject of [bare, betterSse, ours]) {
    const r = results.get(subject)!
    peerRows.push([
      group(size),
      subject.name,
      group(r.eventsPerSecond),
      group(r.eventsPerCpuSecond),
      r.p50.toFixed(1),
      r.p99.toFixed(1),
      r.publishMs.toFixed(2),
      group(r.heapPerConnection),
      ratio(r.eventsPerSecond, b.eventsPerSecond),
      ratio(r.p99, floor.p99),
      ratio(r.publishMs, floor.publishMs),
      ratio(r.heapPerConnection, floor.heapPerConnection),
    ])
  }
  console.log(
    `${''.padEnd(12)}vs better-sse: events/s ${ratio(o.eventsPerSecond, b.eventsPerSecond)}, events/cpu-s ` +
      `${ratio(o.eventsPerCpuSecond, b.eventsPerCpuSecond)} (target ≥ 2); vs the bare floor: p99 ` +
      `${ratio(o.p99, floor.p99)}, publish ${ratio(o.publishMs, floor.publishMs)}, heap/conn ` +
      `${ratio(o.heapPerConnection, floor.heapPerConnection)} (targets ≤ 1.5)`,
  )
  const r = results.get(redisTwo)
  // The baseline of the Redis comparison: two memory instances, the same split of subscribers.
  const m = results.get(memoryTwo)
  if (r !== undefined && m !== undefined) {
    for (const [subject, x] of [
      [ours, o],
      [memoryTwo, m],
      [redisTwo, r],
    ] as const) {
      redisRows.push([
        group(size),
        subject === ours ? 'memory, 1 instance' : subject.name,
        group(x.eventsPerSecond),
        x.p50.toFixed(1),
        x.p99.toFixed(1),
        x.writeMs.toFixed(2),
        x.cpuPerPublishMs.toFixed(2),
        group(x.heapPerConnection),
        ratio(x.eventsPerSecond, m.eventsPerSecond),
        ratio(x.p50, m.p50),
        ratio(x.p99, m.p99),
        ratio(x.cpuPerPublishMs, m.cpuPerPublishMs),
      ])
    }
    const line =
      `${group(size)} subscribers: events/s ${ratio(r.eventsPerSecond, m.eventsPerSecond)}, p50 ` +
      `${ratio(r.p50, m.p50)}, p99 ${ratio(r.p99, m.p99)}, CPU per publish ${ratio(r.cpuPerPublishMs, m.cpuPerPublishMs)}`
    redisRatios.push(line)
    console.log(`${''.padEnd(12)}Redis vs memory (2 instances each): ${line.slice(line.indexOf(':') + 2)}`)
  }
  console.log('')
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
const report = {
  id: 'server-fanout',
  title: 'Server fan-out: one task event to many SSE subscribers',
  command: 'pnpm --filter @comfy-progress/server bench',
  sections: [
    {
      title: 'Fan-out against a bare http loop and better-sse',
      description:
        'One event published to N loopback SSE subscribers of one task (clients in another process), ' +
        `${LATENCY_EVENTS} paced events for latency and a burst of ${BURST_EVENTS} for throughput, median of ${REPEATS} interleaved runs per server.`,
      columns: [
        'subscribers',
        'server',
        'events/s',
        'events/CPU-s',
        'p50 ms',
        'p99 ms',
        'publish ms',
        'heap/conn B',
        'events/s vs better-sse',
        'p99 vs bare',
        'publish vs bare',
        'heap/conn vs bare',
      ],
      rows: peerRows,
      notes: [
        'publish ms: the synchronous part of one publish to all subscribers (comfy-progress: bus.publish after the store append).',
        'events/CPU-s: delivered events per second of the server process’s CPU time in the burst.',
        'heap/conn: heap growth after N idle connections opened (after GC), divided by N.',
        `Machine: ${machine}; load average ${loadAtStart.toFixed(1)} at the start; the whole bench took ${Math.round((performance.now() - benchStarted) / 1000)} s.`,
      ],
    },
    ...(WITH_REDIS
      ? [
          {
            title: 'Through Redis with two server instances, against the memory bus',
            description:
              'The same fan-out with the subscribers split across two comfy-progress instances on one Redis ' +
              '(RedisTaskStore + RedisEventBus, one of them appending and publishing), as ratios against two instances sharing one memory store and bus ' +
              '(the same split, without Redis) measured in the same run; one memory instance with every subscriber is shown for reference.',
            columns: [
              'subscribers',
              'bus',
              'events/s',
              'p50 ms',
              'p99 ms',
              'append+publish ms',
              'server CPU ms/publish',
              'heap/conn B',
              'events/s vs memory ×2',
              'p50 vs memory ×2',
              'p99 vs memory ×2',
              'CPU/publish vs memory ×2',
            ],
            rows: redisRows,
            notes: [
              `Redis at ${REDIS_URL.replace(/\/\/[^@]*@/, '//')} with a fresh key prefix per run, deleted afterwards; both instances run in the bench process, each with its own ioredis connections.`,
              'append+publish ms: wall time of the store append and bus publish on the publishing instance (median of the paced events).',
              'server CPU ms/publish: the server process’s CPU time over the paced events divided by their count (every instance, the Redis client included).',
              'memory ×2: two instances in this process on one MemoryTaskStore + MemoryEventBus, subscribers split as with Redis; the difference to one memory instance is the split, not the bus.',
              ...redisRatios.map((line) => `Redis vs memory (2 instances each) at ${line}.`),
            ],
          },
        ]
      : []),
  ],
}
mkdirSync(dirname(RESULTS_FILE), { recursive: true })
writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`)
console.log(`wrote ${RESULTS_FILE} (${Math.round((performance.now() - benchStarted) / 1000)} s)`)
