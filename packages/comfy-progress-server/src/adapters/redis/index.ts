/**
 * `@comfy-progress/server/redis`: the task store and event bus on Redis, so that several server
 * instances behind a load balancer share every task: a browser's stream, status and `Last-Event-ID`
 * resume work on whichever instance it reaches.
 *
 * The Redis client is the app's: install the optional peer dependency `ioredis` and pass a client.
 * This module never imports ioredis at run time, so importing it without ioredis installed works;
 * constructing a store or bus without a client fails with `REDIS_CLIENT_MISSING`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { ComfyClient } from '@comfy-progress/core'
 * import { TaskManager } from '@comfy-progress/server'
 * import { RedisEventBus, RedisTaskStore } from '@comfy-progress/server/redis'
 *
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
 * const tasks = new TaskManager({
 *   client: new ComfyClient({ baseUrl: 'http://127.0.0.1:8188' }),
 *   store: new RedisTaskStore({ redis }),
 *   bus: new RedisEventBus({ redis }),
 * })
 * ```
 *
 * @module
 */
export { RedisTaskStore, redisTaskStoreDefaults } from './RedisTaskStore.js'
export type { RedisTaskStoreOptions } from './RedisTaskStore.js'
export { RedisEventBus } from './RedisEventBus.js'
export type { RedisEventBusOptions } from './RedisEventBus.js'
export { redisKeys, DEFAULT_REDIS_KEY_PREFIX } from './redisKeys.js'
export type { RedisKeys } from './redisKeys.js'
export { RedisTaskLeases, redisTaskLeasesDefaults } from './RedisTaskLeases.js'
export type { RedisTaskLeasesOptions, TakeoverClientFactory } from './RedisTaskLeases.js'
