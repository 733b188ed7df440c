/**
 * The real `@comfy-progress/server` SSE route as a backend of the test site: its `createSseHandler`
 * (Node adapter) over a `MemoryTaskStore` and a `MemoryEventBus`. Events are appended to the store
 * and published on the bus, as the server's TaskManager does.
 */
import { MemoryEventBus, MemoryTaskStore } from '@comfy-progress/server'
import { createSseHandler } from '@comfy-progress/server/node'
import type { SseBackend } from './helpers.js'

/** A backend that answers `/progress` with the real server's SSE handler. */
export function createServerBackend(): SseBackend {
  const store = new MemoryTaskStore()
  const bus = new MemoryEventBus()
  // The options name the task source `tasks: {store, bus}`; earlier versions took `store` and `bus`
  // directly. Both are given so the test follows the server package as it evolves.
  const options: Parameters<typeof createSseHandler>[0] = Object.assign(
    { tasks: { store, bus }, heartbeatMs: 1000 },
    { store, bus },
  )
  const sse = createSseHandler(options)
  return {
    name: 'server',
    handle: (req, res) => void sse(req, res),
    createTask: async (taskId) => void (await store.create({ taskId })),
    push: async (event) => {
      const entry = await store.append(event.taskId, event)
      await bus.publish(entry)
      return entry.seq
    },
    close: () => Promise.resolve(),
  }
}
