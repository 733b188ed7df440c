/**
 * RedisTaskLeases against a real Redis, driven by hand: `setInterval` is faked, so the renewal and
 * takeover timers never fire and the tests call renew() and takeOver() themselves. One owner at a time, takeover after the lease runs out, loss and end
 * noticed on renewal, hand-over on close.
 */
import type { PromptListener } from '@comfy-progress/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RedisTaskLeases, type RedisTaskLeasesOptions } from '../../src/adapters/redis/RedisTaskLeases.js'
import { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import { createTaskId } from '../../src/tasks/createTaskId.js'
import type { TakeoverClient, TaskHandoff, TaskOwnershipHandlers } from '../../src/tasks/TaskOwnership.js'
import { expectCode } from '../contracts/taskStore.contract.js'
import { completed, loadWorkflow } from '../helpers.js'
import { cleanUpRedis, connectRedis, uniquePrefix } from './redisHelpers.js'

const LEASE_TTL_MS = 200
const disposers: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose()
  vi.useRealTimers()
})

function setUp() {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  const redis = connectRedis()
  const keyPrefix = uniquePrefix()
  disposers.push(() => cleanUpRedis(redis, keyPrefix))
  const store = new RedisTaskStore({ redis, keyPrefix })
  const connected: { clientId: string; closed: boolean; backend?: string }[] = []
  const instance = (clientId: string, options: Partial<RedisTaskLeasesOptions> = {}) => {
    const leases = new RedisTaskLeases({
      redis,
      keyPrefix,
      leaseTtlMs: LEASE_TTL_MS,
      renewIntervalMs: 50,
      takeoverIntervalMs: 50,
      takeoverGraceMs: 1,
      connect: (id, backend) => {
        const record = { clientId: id, closed: false, ...(backend === undefined ? {} : { backend }) }
        connected.push(record)
        const client: TakeoverClient & { close(): Promise<void> } = {
          clientId: id,
          follow: (_promptId: string, _listener: PromptListener) => () => undefined,
          close: () => Promise.resolve(void (record.closed = true)),
        }
        return client
      },
      onError: (error) => {
        throw error
      },
      ...options,
    })
    const adopted: { taskId: string; handoff: TaskHandoff; client: TakeoverClient | null }[] = []
    const lost: string[] = []
    const handlers: TaskOwnershipHandlers = {
      clientId,
      adopt: (taskId, handoff, client) => Promise.resolve(void adopted.push({ taskId, handoff, client })),
      lost: (taskId) => void lost.push(taskId),
    }
    leases.start(handlers)
    disposers.push(() => leases.close())
    return { leases, adopted, lost }
  }
  const newTask = async () => {
    const taskId = createTaskId()
    await store.create({ taskId })
    return taskId
  }
  // Polls with setTimeout (vi.waitFor would poll with the faked setInterval).
  const expired = async (taskId: string) => {
    const key = `${keyPrefix}task:{${taskId}}:owner`
    for (let i = 0; i < 100 && (await redis.pttl(key)) !== -2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(await redis.pttl(key)).toBe(-2)
  }
  return { store, redis, instance, newTask, expired, connected }
}

const handoff = (clientId: string): TaskHandoff => ({
  clientId,
  request: { workflow: loadWorkflow('txt2img-basic.json'), workflowName: 'txt2img', prompt: 'a cat' },
})

describe('RedisTaskLeases', () => {
  it('leaves a renewed lease alone, and takes a task over once its lease runs out', async () => {
    const { instance, newTask, expired, connected } = setUp()
    const a = instance('client-a')
    const b = instance('client-b')
    const taskId = await newTask()
    await a.leases.claim(taskId, handoff('client-a'))
    await b.leases.takeOver()
    expect(b.adopted).toEqual([])

    // A stops renewing (as if it died): B takes the task over, on a client under A's client id.
    await expired(taskId)
    await b.leases.takeOver()
    expect(b.adopted).toHaveLength(1)
    expect(b.adopted[0]).toMatchObject({ taskId, handoff: handoff('client-a') })
    expect(b.adopted[0]!.client?.clientId).toBe('client-a')
    expect(connected).toEqual([{ clientId: 'client-a', closed: false }])
    // Only once, and A learns on its next renewal that the task is not its own any more.
    await b.leases.takeOver()
    expect(b.adopted).toHaveLength(1)
    await a.leases.renew()
    expect(a.lost).toEqual([taskId])
  })

  it("connects the takeover client to the task's backend when the handoff names one", async () => {
    const { instance, newTask, expired, connected } = setUp()
    const a = instance('client-a')
    const b = instance('client-b')
    const taskId = await newTask()
    await a.leases.claim(taskId, { ...handoff('client-a'), backend: 'gpu1' })
    await a.leases.close()
    await expired(taskId)
    await b.leases.takeOver()
    expect(b.adopted).toMatchObject([{ taskId, handoff: { clientId: 'client-a', backend: 'gpu1' } }])
    expect(connected).toEqual([{ clientId: 'client-a', closed: false, backend: 'gpu1' }])
  })

  it('adopts on the own client (null) when the handoff names this instance’s client id', async () => {
    const { instance, newTask, expired, connected } = setUp()
    const a = instance('same-client')
    const b = instance('same-client')
    const taskId = await newTask()
    await a.leases.claim(taskId, handoff('same-client'))
    await expired(taskId)
    await b.leases.takeOver()
    expect(b.adopted[0]?.client).toBeNull()
    expect(connected).toEqual([])
  })

  it('drops the lease and closes the takeover client when the task ends', async () => {
    const { instance, newTask, expired, connected, store } = setUp()
    const a = instance('client-a')
    const b = instance('client-b')
    const taskId = await newTask()
    await a.leases.claim(taskId, handoff('client-a'))
    await expired(taskId)
    await b.leases.takeOver()
    // The task ends elsewhere (another instance cancelled it): B's renewal notices.
    await store.append(taskId, completed(taskId))
    await b.leases.renew()
    expect(b.lost).toEqual([taskId])
    expect(connected).toEqual([{ clientId: 'client-a', closed: true }])
    await b.leases.takeOver()
    expect(b.adopted).toHaveLength(1)
  })

  it('renews a lease that ran out while nobody took it', async () => {
    const { instance, newTask, expired } = setUp()
    const a = instance('client-a')
    const b = instance('client-b')
    const taskId = await newTask()
    await a.leases.claim(taskId, handoff('client-a'))
    await expired(taskId)
    await a.leases.renew()
    expect(a.lost).toEqual([])
    await b.leases.takeOver()
    expect(b.adopted).toEqual([])
  })

  it('hands its tasks over on close, so another instance takes them at once', async () => {
    const { instance, newTask } = setUp()
    const a = instance('client-a')
    const b = instance('client-b')
    const taskId = await newTask()
    await a.leases.claim(taskId, handoff('client-a'))
    await a.leases.close()
    expect(a.lost).toEqual([taskId])
    await b.leases.takeOver()
    expect(b.adopted.map((x) => x.taskId)).toEqual([taskId])
  })

  it('forgets the lease of a task that ended on its own instance', async () => {
    const { instance, newTask, expired, store } = setUp()
    const a = instance('client-a')
    const b = instance('client-b')
    const taskId = await newTask()
    await a.leases.claim(taskId, handoff('client-a'))
    await store.append(taskId, completed(taskId))
    await a.leases.release(taskId)
    await expired(taskId)
    await b.leases.takeOver()
    expect(b.adopted).toEqual([])
  })

  it('rejects bad options with REDIS_OPTIONS_INVALID and a missing client with REDIS_CLIENT_MISSING', async () => {
    const { redis } = setUp()
    const connect = () => {
      throw new Error('unused')
    }
    const build = (options: Partial<RedisTaskLeasesOptions>) =>
      Promise.resolve().then(() => new RedisTaskLeases({ redis, connect, ...options }))
    await expectCode(build({ leaseTtlMs: 0 }), 'REDIS_OPTIONS_INVALID')
    await expectCode(build({ leaseTtlMs: 1000, renewIntervalMs: 1000 }), 'REDIS_OPTIONS_INVALID')
    await expectCode(build({ connect: undefined }), 'REDIS_OPTIONS_INVALID')
    await expectCode(build({ instanceId: '' }), 'REDIS_OPTIONS_INVALID')
    await expectCode(build({ redis: undefined }), 'REDIS_CLIENT_MISSING')
  })
})
