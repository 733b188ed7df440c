/**
 * The multi-instance harness: server instances as real child processes (`redisInstance.ts`), real
 * EventSource subscribers, and the checks of what a browser saw. Shared by the multi-instance suites.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { once } from 'node:events'
import type { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { TaskEvent } from '@comfy-progress/core'
import { EventSource } from 'eventsource'
import { expect, vi } from 'vitest'
import type { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import { isTerminalEvent } from '../../src/tasks/isTerminalEvent.js'
import { loadWorkflow } from '../helpers.js'
import type { InstanceConfig } from './redisInstance.js'

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url))
const INSTANCE_SCRIPT = fileURLToPath(new URL('./redisInstance.ts', import.meta.url))

/** A running server instance (child process). */
export interface Instance {
  readonly name: string
  readonly baseUrl: string
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  readonly errors: string[]
  kill(signal: NodeJS.Signals): Promise<void>
}

/** One task event an EventSource received, with its SSE id. */
export interface Received {
  readonly id: number
  readonly event: TaskEvent
}

/** What to undo after each test, last first (`afterEach(disposeAll)`). */
export const disposers: (() => Promise<void> | void)[] = []

/** Runs and forgets every disposer, last first. */
export async function disposeAll(): Promise<void> {
  for (const dispose of disposers.splice(0).reverse()) await dispose()
}

/** Starts `redisInstance.ts` as a child process; resolves once it listens. */
export async function startInstance(name: string, config: Omit<InstanceConfig, 'name'>): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ['--conditions=@comfy-progress/source', '--import', 'tsx', INSTANCE_SCRIPT],
    {
      cwd: PACKAGE_DIR,
      env: { ...process.env, CP_INSTANCE: JSON.stringify({ ...config, name }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const errors: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => errors.push(line))
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }
  disposers.push(() => kill('SIGKILL'))
  const lines = createInterface({ input: child.stdout })
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`instance ${name} exited: ${errors.join('\n')}`)
    }),
  ])) as [string]
  const { port } = JSON.parse(first) as { port: number }
  return { name, baseUrl: `http://127.0.0.1:${port}`, child, errors, kill }
}

/** POSTs a txt2img generation to `instance`; resolves with the task id. */
export async function generate(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.baseUrl}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      workflow: loadWorkflow('txt2img-basic.json'),
      workflowName: 'txt2img',
      prompt: 'a lighthouse at dusk',
      result: { seed: 42, uid: 7 },
    }),
  })
  expect(response.status).toBe(202)
  return ((await response.json()) as { taskId: string }).taskId
}

/** A real EventSource on `path` of `instance`, recording every task event. */
export function follow(instance: Instance, path: string) {
  const source = new EventSource(instance.baseUrl + path)
  disposers.push(() => source.close())
  const received: Received[] = []
  for (const type of ['queued', 'in-progress', 'completed', 'error', 'cancelled']) {
    source.addEventListener(type, (message) => {
      // `error` is also EventSource's own connection error event, which carries no data.
      if (typeof message.data !== 'string') return
      received.push({ id: Number(message.lastEventId), event: JSON.parse(message.data) as TaskEvent })
    })
  }
  const terminal = () => received.filter((r) => isTerminalEvent(r.event))
  const waitForTerminal = () =>
    vi.waitFor(() => expect(terminal().length).toBeGreaterThan(0), { timeout: 25_000, interval: 50 })
  const waitForProgress = (percentage: number) =>
    vi.waitFor(() => expect(received.some((r) => r.event.progress.percentage >= percentage)).toBe(true), {
      timeout: 20_000,
      interval: 20,
    })
  return { source, received, terminal, waitForTerminal, waitForProgress }
}

/** What a browser saw: every id once, in order, each event as stored, percentage never backwards. */
export async function expectFaithful(store: RedisTaskStore, taskId: string, received: readonly Received[]) {
  const ids = received.map((r) => r.id)
  expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0]! + i))
  const log = new Map((await store.eventsAfter(taskId, 0)).map((e) => [e.seq, e.event]))
  for (const { id, event } of received) expect(event).toEqual(log.get(id))
  expect(received.at(-1)?.id).toBe(Math.max(...log.keys()))
  const percentages = received.map((r) => r.event.progress.percentage)
  expect(percentages).toEqual([...percentages].sort((x, y) => x - y))
  expect(received.filter((r) => isTerminalEvent(r.event))).toHaveLength(1)
}
