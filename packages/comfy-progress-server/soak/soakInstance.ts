/**
 * One server instance of the soak's Redis mode, run as a child process
 * (`node --conditions=@comfy-progress/source --import tsx soak/soakInstance.ts`): ComfyClient to the
 * simulator, the Redis store, bus and leases, a WebhookDispatcher, the TaskManager and the node
 * adapter on a free port. Configured by the JSON in `SOAK_INSTANCE`; prints `{"port":…}` on its
 * first stdout line, background errors on stderr as JSON lines; exits cleanly on SIGTERM.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ComfyClient } from '@comfy-progress/core'
import { Redis } from 'ioredis'
import { createHandler } from '../src/adapters/node/index.js'
import { RedisEventBus, RedisTaskLeases, RedisTaskStore } from '../src/adapters/redis/index.js'
import { TaskManager } from '../src/tasks/TaskManager.js'
import { WebhookDispatcher } from '../src/webhooks/WebhookDispatcher.js'
import {
  describeError,
  soakClientOptions,
  soakDispatcherOptions,
  soakHandlerOptions,
  type SoakWebhooks,
} from './soakStack.js'

/** What the soak tells an instance. */
export interface SoakInstanceConfig {
  readonly name: string
  readonly simUrl: string
  readonly redisPort: number
  readonly keyPrefix: string
  readonly imageSecret: string
  readonly leaseTtlMs: number
  readonly webhooks: SoakWebhooks
}

const config = JSON.parse(process.env.SOAK_INSTANCE ?? '{}') as SoakInstanceConfig
const report = (error: unknown) => {
  process.stderr.write(`${JSON.stringify({ instance: config.name, error: describeError(error) })}\n`)
}

const redis = new Redis({
  host: '127.0.0.1',
  port: config.redisPort,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 50, 300),
})
redis.on('error', () => undefined)
const { keyPrefix, leaseTtlMs } = config
const tick = Math.max(50, Math.floor(leaseTtlMs / 4))
const debug = process.env.SOAK_DEBUG === '1'
const logger = (tag: string) => (entry: { type: string }) => {
  if (!debug || entry.type === 'frame') return
  process.stdout.write(`${JSON.stringify({ t: Date.now() % 100000, i: config.name, c: tag, ...entry })}\n`)
}
const client = new ComfyClient({ baseUrl: config.simUrl, ...soakClientOptions, logger: logger('own') })
const webhooks = new WebhookDispatcher(soakDispatcherOptions(config.webhooks))
const tasks = new TaskManager({
  client,
  webhooks,
  store: new RedisTaskStore({ redis, keyPrefix }),
  bus: new RedisEventBus({ redis, keyPrefix, onError: report }),
  ownership: new RedisTaskLeases({
    redis,
    keyPrefix,
    connect: (clientId) =>
      new ComfyClient({
        baseUrl: config.simUrl,
        clientId,
        ...soakClientOptions,
        logger: logger(`takeover ${clientId.slice(0, 6)}`),
      }),
    leaseTtlMs,
    renewIntervalMs: tick,
    takeoverIntervalMs: tick,
    takeoverGraceMs: tick,
    onError: report,
  }),
  imageSecret: config.imageSecret,
  onError: report,
})
const handle = createHandler({ tasks, ...soakHandlerOptions })
const server = createServer((request, response) => void handle(request, response))
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})

process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close()
  void tasks
    .close()
    .then(() => webhooks.close())
    .then(() => client.close())
    .then(() => redis.quit())
    .finally(() => process.exit(0))
})
