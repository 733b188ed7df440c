import { ComfyProgressError } from '@comfy-progress/core'
import type { Redis } from 'ioredis'
import type { EventBus, TaskEventListener, Unsubscribe } from '../../store/EventBus.js'
import type { StoredTaskEvent } from '../../store/TaskStore.js'
import { callRedis } from './callRedis.js'
import { decodeBusMessage, encodeBusMessage } from './busMessage.js'
import { DEFAULT_REDIS_KEY_PREFIX, type RedisKeys, redisKeys } from './redisKeys.js'
import { requireRedisClient } from './requireRedisClient.js'
import { decodeLogEntries } from './taskRecordCodec.js'

/** Options of {@link RedisEventBus}. Only `redis` is required. */
export interface RedisEventBusOptions {
  /**
   * The ioredis client that publishes and reads the logs to fill gaps (the app owns it). Unless
   * `subscriber` is given, the bus opens its own subscriber connection with `redis.duplicate()`.
   */
  readonly redis: Redis
  /**
   * A connection for `SUBSCRIBE` only (a connection in subscriber mode runs no other command). The
   * bus does not close a subscriber it was given.
   * @default redis.duplicate(), closed by `close()`
   */
  readonly subscriber?: Redis
  /**
   * The key prefix of the {@link RedisTaskStore} whose events this bus carries: gaps are filled from
   * that store's logs.
   * @default 'comfy-progress:'
   */
  readonly keyPrefix?: string
  /**
   * Called when a listener throws; the other listeners still receive the event.
   * @default reports the error with `console.error`
   */
  readonly onListenerError?: (error: unknown, entry: StoredTaskEvent) => void
  /**
   * Called with failures in the background: a malformed message, a gap that could not be filled yet
   * (it is retried).
   * @default reports the error with `console.error`
   */
  readonly onError?: (error: unknown) => void
}

interface Subscription {
  readonly listener: TaskEventListener
}

interface Topic {
  readonly taskId: string
  readonly channel: string
  readonly subscriptions: Set<Subscription>
  /** Sequence number of the last event delivered (or already in the store when the topic opened). */
  lastSeq: number
  /** Messages held back while the topic opens or fills a gap; `null` while live. */
  held: StoredTaskEvent[] | null
  ready: Promise<void>
  /** Subscribed, and `lastSeq` known. */
  active: boolean
  filling: boolean
  fillAgain: boolean
  retry: ReturnType<typeof setTimeout> | null
  retryDelayMs: number
}

const FIRST_RETRY_MS = 100
const MAX_RETRY_MS = 5_000

/**
 * An {@link EventBus} over Redis pub/sub, shared by every server instance on the same Redis: one
 * channel per task, and one Redis subscription per task per instance however many local subscribers
 * (SSE streams) follow it. Each message is parsed once and the same entry object is handed to every
 * local subscriber, in publish order.
 *
 * Pub/sub loses what is published while a subscriber is disconnected, so the bus checks sequence
 * numbers: after a reconnect (it subscribes again to every channel) and whenever a message skips
 * ahead, it reads the missed events from the task's log in the {@link RedisTaskStore} and delivers
 * them first. A subscriber misses nothing the store still has, and never sees an event twice.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const redis = new Redis(process.env.REDIS_URL)
 * const bus = new RedisEventBus({ redis })
 * const unsubscribe = await bus.subscribe(taskId, (entry) => console.log(entry.seq, entry.event.status))
 * ```
 */
export class RedisEventBus implements EventBus {
  readonly #redis: Redis
  readonly #subscriber: Redis
  readonly #ownsSubscriber: boolean
  readonly #keys: RedisKeys
  readonly #topics = new Map<string, Topic>()
  readonly #channels = new Map<string, Topic>()
  readonly #onListenerError: (error: unknown, entry: StoredTaskEvent) => void
  readonly #onError: (error: unknown) => void
  #disconnected = false
  #closed = false

  constructor(options: RedisEventBusOptions) {
    const given = options as Partial<RedisEventBusOptions> | undefined
    this.#redis = requireRedisClient(given?.redis, 'RedisEventBus')
    this.#keys = redisKeys(given?.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX)
    this.#onListenerError = options.onListenerError ?? reportListenerError
    this.#onError = options.onError ?? reportError
    this.#ownsSubscriber = options.subscriber === undefined
    this.#subscriber =
      options.subscriber === undefined
        ? this.#redis.duplicate()
        : requireRedisClient(options.subscriber, 'RedisEventBus (subscriber)')
    this.#subscriber.on('message', this.#onMessage)
    this.#subscriber.on('close', this.#onClose)
    this.#subscriber.on('ready', this.#onReady)
    // ioredis reports connection errors as events; without a listener Node would throw them.
    if (this.#ownsSubscriber) this.#subscriber.on('error', () => undefined)
  }

  async publish(entry: StoredTaskEvent): Promise<void> {
    const message = encodeBusMessage(entry)
    await callRedis(this.#redis, () => this.#redis.publish(this.#keys.channel(entry.taskId), message))
  }

  async subscribe(taskId: string, listener: TaskEventListener): Promise<Unsubscribe> {
    if (this.#closed)
      throw new ComfyProgressError('STORE_UNAVAILABLE', 'comfy-progress: the event bus is closed.')
    let topic = this.#topics.get(taskId)
    if (topic === undefined) topic = this.#open(taskId)
    // One object per subscription, so that the same function subscribed twice is two subscriptions.
    const subscription: Subscription = { listener }
    topic.subscriptions.add(subscription)
    const current = topic
    const unsubscribe = () => {
      if (!current.subscriptions.delete(subscription)) return
      if (current.subscriptions.size === 0) this.#drop(current)
    }
    try {
      await topic.ready
    } catch (error) {
      unsubscribe()
      throw error
    }
    return unsubscribe
  }

  subscriberCount(taskId: string): number {
    return this.#topics.get(taskId)?.subscriptions.size ?? 0
  }

  /** Drops every subscription and closes the subscriber connection the bus opened. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const topic of [...this.#topics.values()]) this.#forget(topic)
    this.#subscriber.off('message', this.#onMessage)
    this.#subscriber.off('close', this.#onClose)
    this.#subscriber.off('ready', this.#onReady)
    if (this.#ownsSubscriber) {
      await this.#subscriber.quit().catch(() => this.#subscriber.disconnect())
    }
  }

  #open(taskId: string): Topic {
    const topic: Topic = {
      taskId,
      channel: this.#keys.channel(taskId),
      subscriptions: new Set(),
      lastSeq: 0,
      held: [],
      ready: Promise.resolve(),
      active: false,
      filling: false,
      fillAgain: false,
      retry: null,
      retryDelayMs: FIRST_RETRY_MS,
    }
    this.#topics.set(taskId, topic)
    this.#channels.set(topic.channel, topic)
    topic.ready = this.#activate(topic).catch((error: unknown) => {
      this.#drop(topic)
      throw error
    })
    return topic
  }

  /** Subscribes, then learns how far the store is: earlier events are the store's to serve. */
  async #activate(topic: Topic): Promise<void> {
    await callRedis(this.#subscriber, () => this.#subscriber.subscribe(topic.channel))
    const seq = await callRedis(this.#redis, () => this.#redis.hget(this.#keys.task(topic.taskId), 'seq'))
    topic.lastSeq = seq === null ? 0 : Number(seq)
    const held = topic.held ?? []
    topic.held = null
    topic.active = true
    for (const entry of held) this.#receive(topic, entry)
  }

  #drop(topic: Topic): void {
    if (this.#topics.get(topic.taskId) !== topic) return
    this.#forget(topic)
    // While disconnected the client queues this, or fails it: either way the channel is not wanted.
    this.#subscriber.unsubscribe(topic.channel).catch(() => undefined)
  }

  #forget(topic: Topic): void {
    if (this.#topics.get(topic.taskId) === topic) this.#topics.delete(topic.taskId)
    if (this.#channels.get(topic.channel) === topic) this.#channels.delete(topic.channel)
    if (topic.retry !== null) clearTimeout(topic.retry)
    topic.retry = null
  }

  readonly #onMessage = (channel: string, message: string): void => {
    const topic = this.#channels.get(channel)
    if (topic === undefined) return
    const entry = decodeBusMessage(topic.taskId, message)
    if (entry instanceof ComfyProgressError) {
      this.#onError(entry)
      return
    }
    this.#receive(topic, entry)
  }

  #receive(topic: Topic, entry: StoredTaskEvent): void {
    if (topic.held !== null) {
      topic.held.push(entry)
      return
    }
    if (entry.seq <= topic.lastSeq) return
    if (entry.seq > topic.lastSeq + 1) {
      // Skipped ahead: some messages were lost (a reconnect). Fetch them from the log first.
      topic.held = [entry]
      void this.#fill(topic)
      return
    }
    this.#deliver(topic, entry)
  }

  #deliver(topic: Topic, entry: StoredTaskEvent): void {
    topic.lastSeq = entry.seq
    for (const subscription of topic.subscriptions) {
      try {
        subscription.listener(entry)
      } catch (error) {
        this.#onListenerError(error, entry)
      }
    }
  }

  /** Delivers the logged events after `lastSeq`, then the held messages, in order, once each. */
  async #fill(topic: Topic): Promise<void> {
    if (topic.filling) {
      topic.fillAgain = true
      return
    }
    topic.filling = true
    topic.held ??= []
    try {
      do {
        topic.fillAgain = false
        const after = topic.lastSeq
        const log = this.#keys.log(topic.taskId)
        const marks = this.#keys.marks(topic.taskId)
        const [logged, marked] = await callRedis(this.#redis, () =>
          Promise.all([
            this.#redis.xrange(log, `${after + 1}-0`, '+'),
            this.#redis.xrange(marks, `${after + 1}-0`, '+'),
          ]),
        )
        if (this.#topics.get(topic.taskId) !== topic) return
        const held = topic.held ?? []
        topic.held = null
        const missed = decodeLogEntries(topic.taskId, [logged, marked], log)
        const all = [...missed, ...held].sort((a, b) => a.seq - b.seq)
        for (const entry of all) if (entry.seq > topic.lastSeq) this.#deliver(topic, entry)
        topic.retryDelayMs = FIRST_RETRY_MS
        if (topic.fillAgain) topic.held = []
      } while (topic.fillAgain)
    } catch (error) {
      // Keep holding; try again soon (Redis may be restarting).
      this.#onError(error)
      if (this.#topics.get(topic.taskId) === topic && topic.retry === null) {
        topic.retry = setTimeout(() => {
          topic.retry = null
          void this.#fill(topic)
        }, topic.retryDelayMs)
        topic.retry.unref?.()
        topic.retryDelayMs = Math.min(topic.retryDelayMs * 2, MAX_RETRY_MS)
      }
    } finally {
      topic.filling = false
    }
  }

  readonly #onClose = (): void => {
    this.#disconnected = true
  }

  /** After a reconnect: subscribe again to every channel, then fill what was missed meanwhile. */
  readonly #onReady = (): void => {
    if (!this.#disconnected || this.#closed) return
    this.#disconnected = false
    const topics = [...this.#topics.values()].filter((topic) => topic.active)
    if (topics.length === 0) return
    for (const topic of topics) topic.held ??= []
    this.#subscriber.subscribe(...topics.map((topic) => topic.channel)).then(
      () => {
        for (const topic of topics) void this.#fill(topic)
      },
      (error: unknown) => {
        this.#onError(error)
        for (const topic of topics) void this.#fill(topic)
      },
    )
  }
}

function reportListenerError(error: unknown, entry: StoredTaskEvent): void {
  console.error(`comfy-progress: an event bus listener of task ${entry.taskId} threw`, error)
}

function reportError(error: unknown): void {
  console.error('comfy-progress: the Redis event bus failed in the background', error)
}
