import { RedisEventBus } from '../../src/adapters/redis/RedisEventBus.js'
import { RedisTaskStore } from '../../src/adapters/redis/RedisTaskStore.js'
import { eventBusContract } from '../contracts/eventBus.contract.js'
import { taskStoreContract } from '../contracts/taskStore.contract.js'
import { createFakeClock } from '../helpers.js'
import { cleanUpRedis, connectRedis, uniquePrefix } from './redisHelpers.js'

taskStoreContract('RedisTaskStore', (options) => {
  const clock = createFakeClock()
  const redis = connectRedis()
  const keyPrefix = uniquePrefix()
  return Promise.resolve({
    store: new RedisTaskStore({ ...options, redis, keyPrefix, now: clock.now }),
    advance: (ms) => Promise.resolve(clock.advance(ms)),
    close: () => cleanUpRedis(redis, keyPrefix),
  })
})

eventBusContract('RedisEventBus', (options) => {
  const redis = connectRedis()
  const keyPrefix = uniquePrefix()
  const buses: RedisEventBus[] = []
  const open = () => {
    const bus = new RedisEventBus({ ...options, redis, keyPrefix })
    buses.push(bus)
    return bus
  }
  const bus = open()
  return Promise.resolve({
    bus,
    connectPeer: () => Promise.resolve(open()),
    close: async () => {
      await Promise.all(buses.map((b) => b.close()))
      await cleanUpRedis(redis, keyPrefix)
    },
  })
})
