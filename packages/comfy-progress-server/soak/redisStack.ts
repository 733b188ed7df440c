/**
 * The soak's Redis stack: the simulator in this process, two server instances as child processes
 * (`soakInstance.ts`) sharing the Redis on 127.0.0.1:6379 under a fresh key prefix (deleted at the
 * end, never anything else). `killOne` SIGKILLs one, whose tasks the other takes over once their
 * leases run out; `restartKilled` starts a fresh instance in its place.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { Redis } from 'ioredis'
import { RedisTaskStore } from '../src/adapters/redis/RedisTaskStore.js'
import { deleteKeysWithPrefix } from '../test/integration/redisHelpers.js'
import type { SoakInstanceConfig } from './soakInstance.js'
import { SOAK_SIM_SPEED, viewOfTask, type SoakStack, type SoakWebhooks } from './soakStack.js'

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url))
const INSTANCE_SCRIPT = fileURLToPath(new URL('./soakInstance.ts', import.meta.url))

/** Redis mode settings. */
export interface RedisStackOptions {
  readonly webhooks: SoakWebhooks
  readonly redisPort?: number
  /** Lease time to live: how soon a killed instance's tasks are taken over. @default 1000 */
  readonly leaseTtlMs?: number
}

interface Instance {
  readonly name: string
  readonly baseUrl: string
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  alive: boolean
}

/** Starts the simulator and two instances on Redis. */
export async function startRedisStack(options: RedisStackOptions): Promise<SoakStack> {
  const sim = await createComfyUiSim({ speed: SOAK_SIM_SPEED })
  const redisPort = options.redisPort ?? Number(process.env.REDIS_PORT ?? 6379)
  const keyPrefix = `cp-soak:${randomBytes(6).toString('hex')}:`
  const redis = new Redis({ host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: 1 })
  redis.on('error', () => undefined)
  const store = new RedisTaskStore({ redis, keyPrefix })
  const errors: string[] = []
  const config: Omit<SoakInstanceConfig, 'name'> = {
    simUrl: sim.url,
    redisPort,
    keyPrefix,
    imageSecret: randomBytes(32).toString('base64url'),
    leaseTtlMs: options.leaseTtlMs ?? 1_000,
    webhooks: options.webhooks,
  }
  const instances: Instance[] = []
  const start = async (name: string): Promise<Instance> => {
    const child = spawn(
      process.execPath,
      ['--conditions=@comfy-progress/source', '--import', 'tsx', INSTANCE_SCRIPT],
      {
        cwd: PACKAGE_DIR,
        env: { ...process.env, SOAK_INSTANCE: JSON.stringify({ ...config, name }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    createInterface({ input: child.stderr }).on('line', (line) => errors.push(line))
    const lines = createInterface({ input: child.stdout })
    const port = await new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as { port?: number }
        if (typeof parsed.port === 'number') resolve(parsed.port)
        else if (process.env.SOAK_DEBUG === '1') console.log(line)
      })
      child.once('exit', () => reject(new Error(`soak instance ${name} exited: ${errors.join('\n')}`)))
    })
    const instance: Instance = { name, baseUrl: `http://127.0.0.1:${port}`, child, alive: true }
    instances.push(instance)
    return instance
  }
  const stop = async (instance: Instance, signal: NodeJS.Signals) => {
    instance.alive = false
    const { child } = instance
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }
  await Promise.all([start('A'), start('B')])
  let started = 2

  return {
    sim,
    instances: () => instances.filter((i) => i.alive).map((i) => i.baseUrl),
    taskOf: async (taskId) => {
      const record = await store.get(taskId)
      return record && viewOfTask(record)
    },
    dropConnections: () => undefined,
    errors,
    async killOne() {
      const victim = instances.find((i) => i.alive)
      if (victim === undefined) throw new Error('no instance left to kill')
      await stop(victim, 'SIGKILL')
      return victim.name
    },
    async replaceKilled() {
      // The killed one's tasks are taken over by whichever instance's takeover scan finds them first.
      started++
      await start(String.fromCodePoint(64 + started))
    },
    async close() {
      await Promise.all(instances.map((i) => stop(i, 'SIGTERM')))
      await sim.close()
      if (redis.status === 'ready') await deleteKeysWithPrefix(redis, keyPrefix)
      await redis.quit()
    },
  }
}
