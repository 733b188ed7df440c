// Imports the BUILT package by its own name, as a user's ESM code would (no source condition).
import assert from 'node:assert/strict'
import * as server from '@comfy-progress/server'
import * as node from '@comfy-progress/server/node'
import * as fetchAdapter from '@comfy-progress/server/fetch'
import * as redisAdapter from '@comfy-progress/server/redis'

const expected = [
  'TaskManager',
  'createTaskId',
  'isTaskId',
  'MemoryTaskStore',
  'MemoryEventBus',
  'formatSseEvent',
  'createRequestHandler',
  'statusForError',
]
const handlerNames = [
  'createHandler',
  'createGenerateHandler',
  'createSseHandler',
  'createStatusHandler',
  'createCancelHandler',
  'createPreviewHandler',
  'createImageHandler',
  'createHealthHandler',
]
for (const name of expected) assert.ok(name in server, `ESM build is missing export ${name}`)
for (const adapter of [node, fetchAdapter]) {
  for (const name of handlerNames)
    assert.equal(typeof adapter[name], 'function', `adapter is missing ${name}`)
  assert.ok(!('default' in adapter), 'no default export')
}
assert.deepEqual(Object.keys(node).sort(), Object.keys(fetchAdapter).sort(), 'the adapters mirror each other')
assert.ok(!('default' in server), 'no default export')
assert.ok(server.isTaskId(server.createTaskId()))
assert.equal(
  server.formatSseEvent({ event: 'queued', id: '1', data: '{}' }),
  'event: queued\ndata: {}\nid: 1\n\n',
)
const handler = fetchAdapter.createSseHandler({
  tasks: { store: new server.MemoryTaskStore(), bus: new server.MemoryEventBus() },
})
const response = await handler(new Request(`http://localhost/progress/${server.createTaskId()}`))
assert.equal(response.status, 404)
assert.equal((await response.json()).error.code, 'TASK_NOT_FOUND')
// ./redis: the Redis store and bus; ioredis stays an optional peer, so constructing without a client
// is a typed error (never an import-time failure).
for (const name of [
  'RedisTaskStore',
  'RedisEventBus',
  'RedisTaskLeases',
  'redisKeys',
  'redisTaskStoreDefaults',
]) {
  assert.ok(name in redisAdapter, `./redis is missing export ${name}`)
}
assert.ok(!('default' in redisAdapter), 'no default export')
for (const Construct of [
  redisAdapter.RedisTaskStore,
  redisAdapter.RedisEventBus,
  redisAdapter.RedisTaskLeases,
]) {
  assert.throws(() => new Construct({}), { name: 'ComfyProgressError', code: 'REDIS_CLIENT_MISSING' })
}
console.log(`esm ok: ${Object.keys(server).length} exports, adapters: ${Object.keys(node).join(', ')}`)
