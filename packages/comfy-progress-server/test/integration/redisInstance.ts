/**
 * One server instance for the multi-instance tests, run as a child process
 * (`node --conditions=@comfy-progress/source --import tsx redisInstance.ts`): ComfyClient to the
 * simulator (or one per backend with `backends`), the Redis store, bus and leases, the TaskManager and
 * the node adapter on a free port; with `webhooks`, a WebhookDispatcher (loopback allowed, fast
 * retries) delivering to the given app endpoints and to per-task webhooks.
 * Configured by the JSON in `CP_INSTANCE`; prints `{"port":…}` on its first stdout line, logs
 * background errors on stderr as JSON lines, exits cleanly on SIGTERM.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ComfyClient } from '@comfy-progress/core'
import { Redis } from 'ioredis'
import { createHandler } from '../../src/adapters/node/index.js'
import { RedisEventBus, RedisTaskLeases, RedisTaskStore } from '../../src/adapters/redis/index.js'
import { TaskManager } from '../../src/tasks/TaskManager.js'
import { WebhookDispatcher } from '../../src/webhooks/WebhookDispatcher.js'

/** What the test tells an instance. */
export interface InstanceConfig {
  readonly name: string
  readonly simUrl: string
  readonly redisPort: number
  readonly keyPrefix: string
  readonly imageSecret: string
  readonly leaseTtlMs: number
  /** Several ComfyUI backends (simulators) instead of `simUrl` alone; takeovers connect to the task's. */
  readonly backends?: readonly { readonly id: string; readonly simUrl: string }[]
  /** TaskManager's `backendLostTimeoutMs`. */
  readonly backendLostTimeoutMs?: number
  /** The app's webhook endpoints (and per-task webhooks signed with `taskSecret`). */
  readonly webhooks?: {
    readonly endpoints: readonly { readonly id: string; readonly url: string; readonly secret: string }[]
    readonly taskSecret: string
  }
}

const config = JSON.parse(process.env.CP_INSTANCE ?? '{}') as InstanceConfig
const log = (kind: string) => (error: unknown) => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  process.stderr.write(`${JSON.stringify({ instance: config.name, kind, error: text })}\n`)
}

const redis = new Redis({
  host: '127.0.0.1',
  port: config.redisPort,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 50, 300),
})
redis.on('error', () => undefined)
const { keyPrefix } = config
const backends = (config.backends ?? []).map(({ id, simUrl }) => ({
  id,
  simUrl,
  client: new ComfyClient({ baseUrl: simUrl }),
}))
const client = backends.length === 0 ? new ComfyClient({ baseUrl: config.simUrl }) : null
const simUrlOf = (backend?: string) => backends.find((b) => b.id === backend)?.simUrl ?? config.simUrl
const webhooks =
  config.webhooks === undefined
    ? undefined
    : new WebhookDispatcher({
        endpoints: config.webhooks.endpoints,
        taskWebhooks: { secret: config.webhooks.taskSecret },
        allow: ['127.0.0.1'],
        timeoutMs: 1_000,
        retry: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 1_000, maxElapsedMs: 600_000 },
      })
const tasks = new TaskManager({
  ...(webhooks === undefined ? {} : { webhooks }),
  ...(client === null ? { backends: backends.map(({ id, client: c }) => ({ id, client: c })) } : { client }),
  ...(config.backendLostTimeoutMs === undefined ? {} : { backendLostTimeoutMs: config.backendLostTimeoutMs }),
  store: new RedisTaskStore({ redis, keyPrefix }),
  bus: new RedisEventBus({ redis, keyPrefix, onError: log('bus') }),
  ownership: new RedisTaskLeases({
    redis,
    keyPrefix,
    connect: (clientId, backend) => new ComfyClient({ baseUrl: simUrlOf(backend), clientId }),
    leaseTtlMs: config.leaseTtlMs,
    renewIntervalMs: Math.max(50, Math.floor(config.leaseTtlMs / 4)),
    takeoverIntervalMs: Math.max(50, Math.floor(config.leaseTtlMs / 4)),
    takeoverGraceMs: Math.max(50, Math.floor(config.leaseTtlMs / 4)),
    onError: log('leases'),
  }),
  imageSecret: config.imageSecret,
  onError: log('task'),
})
const handle = createHandler({ tasks, retryMs: 50, heartbeatMs: 500 })
const server = createServer((request, response) => void handle(request, response))
// Ready (port printed) once every backend is connected: with several backends, a task created before
// any is connected is refused with 503 COMFY_NO_BACKEND, which a loaded machine made tests hit.
void Promise.all(backends.map(({ client: c }) => c.connect())).then(() =>
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
  }),
)

process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close()
  void tasks
    .close()
    .then(() =>
      Promise.all(
        [...(client === null ? [] : [client]), ...backends.map((b) => b.client)].map((c) => c.close()),
      ),
    )
    .then(() => webhooks?.close())
    .then(() => redis.quit())
    .finally(() => process.exit(0))
})
