import { describe, expect, it } from 'vitest'
import type { NeutralRequest } from '../http/NeutralHttp.js'
import { MemoryEventBus } from '../store/MemoryEventBus.js'
import { MemoryTaskStore } from '../store/MemoryTaskStore.js'
import { createTaskId } from '../tasks/createTaskId.js'
import { handleSseRequest, type SseRequestContext } from './handleSseRequest.js'
import { SubscriberLimiter } from './SubscriberLimiter.js'

function request(url: string): NeutralRequest {
  return {
    method: 'GET',
    url,
    headers: new Headers(),
    signal: new AbortController().signal,
    readBody: () => Promise.resolve(new Uint8Array()),
  }
}

async function setUp() {
  const store = new MemoryTaskStore()
  const taskId = createTaskId()
  await store.create({ taskId })
  const context: SseRequestContext = {
    store,
    bus: new MemoryEventBus(),
    limiter: new SubscriberLimiter(),
    maxTasksPerStream: 20,
    streamOptions: { retryMs: 1000 },
  }
  return { context, taskId }
}

describe('handleSseRequest: task ids', () => {
  // Found by fuzzing: ids were copied through latin1 before being checked, so a non-Latin-1 character
  // whose low byte is a base64url character made a malformed id pass as a real task's id.
  it('refuses, in ?tasks=, an id with a non-Latin-1 character that latin1 would turn into a real id', async () => {
    const { context, taskId } = await setUp()
    const alias = String.fromCharCode(taskId.charCodeAt(0) + 0x100) + taskId.slice(1)
    const answer = await handleSseRequest(request(`/progress?tasks=${encodeURIComponent(alias)}`), context)
    expect(answer.status).toBe(400)
    const body = answer.kind === 'body' ? String(answer.body) : ''
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'INVALID_TASK_IDS' } })
  })

  it('still streams the real id given the same way', async () => {
    const { context, taskId } = await setUp()
    const answer = await handleSseRequest(request(`/progress?tasks=${taskId}`), context)
    expect(answer.status).toBe(200)
    if (answer.kind === 'sse') answer.stream.close()
  })
})
