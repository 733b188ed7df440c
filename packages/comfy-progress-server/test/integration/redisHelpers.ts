/**
 * Test helpers for the Redis adapter: clients on the shared Redis (127.0.0.1:6379) with a random key
 * prefix per test and clean-up of exactly that prefix (never FLUSHALL), and a private `redis-server`
 * process on a free port that a test may kill and restart.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis, type RedisOptions } from 'ioredis'

/** The shared Redis of the machine (CI starts one when none answers). */
export const SHARED_REDIS = { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) }

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `cp-test:${randomBytes(6).toString('hex')}:`
}

/** A client that fails fast instead of retrying for long (tests want errors, not waits). */
export function connectRedis(port = SHARED_REDIS.port, options: RedisOptions = {}): Redis {
  return new Redis({
    host: SHARED_REDIS.host,
    port,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
    ...options,
  })
}

/** Deletes every key under `prefix` (SCAN + UNLINK), never anything else (the bench and soak use it too). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await redis.unlink(...keys)
  } while (cursor !== '0')
}

/** Deletes every key under `prefix` (when connected), then closes `redis`. */
export async function cleanUpRedis(redis: Redis, prefix: string): Promise<void> {
  if (redis.status === 'ready') await deleteKeysWithPrefix(redis, prefix)
  redis.disconnect()
}

/** A free TCP port on loopback (the OS picks it; it is released before the caller binds it). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A private `redis-server` process. */
export interface RedisServerProcess {
  readonly port: number
  /** Kills the process (SIGKILL by default) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port (and the same data directory). */
  start(): Promise<void>
  /** Stops it for good and deletes its data directory. */
  dispose(): Promise<void>
}

/**
 * Starts `/usr/bin/redis-server` on a free port, without snapshots. With `appendOnly`, every write
 * is fsynced to an append-only file in a temporary directory, so a restart keeps the data (the
 * production setting for a task store); without it, a restart loses everything.
 */
export async function startRedisServer(options: { appendOnly?: boolean } = {}): Promise<RedisServerProcess> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'cp-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir]
  args.push(
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  )
  let child: ChildProcess | null = null

  const start = async () => {
    const proc = spawn(process.env.REDIS_SERVER ?? '/usr/bin/redis-server', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = proc
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) {
          proc.stdout.off('data', onData)
          resolve()
        }
      }
      proc.stdout.on('data', onData)
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
    })
    proc.stdout.resume()
    proc.stderr.resume()
  }
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child
    child = null
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = once(proc, 'exit')
    proc.kill(signal)
    await exited
  }
  await start()
  return {
    port,
    stop,
    start,
    dispose: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
