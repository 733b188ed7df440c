/**
 * The soak's single-instance stack, all in this process: the simulator, ComfyClient, a
 * WebhookDispatcher, the TaskManager on the memory store and bus, and the node adapter on loopback.
 * The client's `submit` is wrapped to choose the prompt id itself, so the ground truth watches each
 * prompt before ComfyUI has even seen it.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ComfyClient, createPromptId } from '@comfy-progress/core'
import { createComfyUiSim } from '@comfy-progress/comfyui-sim'
import { createHandler } from '../src/adapters/node/index.js'
import { TaskManager } from '../src/tasks/TaskManager.js'
import { WebhookDispatcher } from '../src/webhooks/WebhookDispatcher.js'
import type { SimTruth } from './simTruth.js'
import {
  describeError,
  SOAK_SIM_SPEED,
  soakClientOptions,
  soakDispatcherOptions,
  soakHandlerOptions,
  type SoakStack,
  viewOfTask,
  type SoakWebhooks,
} from './soakStack.js'

/** Starts the in-process stack; `truth` learns every prompt id before its submit. */
export async function startMemoryStack(
  webhooks: SoakWebhooks,
  truthFor: (sim: SoakStack['sim']) => SimTruth,
): Promise<SoakStack> {
  const sim = await createComfyUiSim({ speed: SOAK_SIM_SPEED })
  const truth = truthFor(sim)
  const client = new ComfyClient({ baseUrl: sim.url, ...soakClientOptions })
  const submit = client.submit.bind(client)
  client.submit = (workflow, options = {}) => {
    const promptId = options.promptId ?? createPromptId()
    truth.learn(promptId)
    return submit(workflow, { ...options, promptId })
  }
  const errors: string[] = []
  const dispatcher = new WebhookDispatcher(soakDispatcherOptions(webhooks))
  const tasks = new TaskManager({
    client,
    webhooks: dispatcher,
    onError: (error) => errors.push(describeError(error)),
  })
  const handle = createHandler({ tasks, ...soakHandlerOptions })
  const server = createServer((request, response) => void handle(request, response))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    sim,
    instances: () => [baseUrl],
    taskOf: async (taskId) => {
      const record = await tasks.store.get(taskId)
      return record && viewOfTask(record)
    },
    dropConnections: () => server.closeAllConnections(),
    errors,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await tasks.close()
      await dispatcher.close()
      await client.close()
      await sim.close()
    },
  }
}
