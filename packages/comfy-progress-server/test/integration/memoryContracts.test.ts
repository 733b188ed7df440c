import { MemoryEventBus } from '../../src/store/MemoryEventBus.js'
import { MemoryTaskStore } from '../../src/store/MemoryTaskStore.js'
import { eventBusContract } from '../contracts/eventBus.contract.js'
import { taskStoreContract } from '../contracts/taskStore.contract.js'
import { createFakeClock } from '../helpers.js'

taskStoreContract('MemoryTaskStore', (options) => {
  const clock = createFakeClock()
  return Promise.resolve({
    store: new MemoryTaskStore({ ...options, now: clock.now }),
    advance: (ms) => Promise.resolve(clock.advance(ms)),
  })
})

eventBusContract('MemoryEventBus', (options) => {
  const bus = new MemoryEventBus(options)
  return Promise.resolve({ bus, connectPeer: () => Promise.resolve(bus) })
})
