// Requires the BUILT package by its own name, as a user's CommonJS code would.
const assert = require('node:assert/strict')
const server = require('@comfy-progress/server')
const node = require('@comfy-progress/server/node')
const fetchAdapter = require('@comfy-progress/server/fetch')
const redisAdapter = require('@comfy-progress/server/redis')

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
for (const name of expected) assert.ok(name in server, `CJS build is missing export ${name}`)
for (const adapter of [node, fetchAdapter]) {
  for (const name of handlerNames)
    assert.equal(typeof adapter[name], 'function', `adapter is missing ${name}`)
}
assert.deepEqual(Object.keys(node).sort(), Object.keys(fetchAdapter).sort(), 'the adapters mirror each other')
assert.ok(server.isTaskId(server.createTaskId()))
assert.equal(server.statusForError('TASK_EXPIRED'), 410)
// ./redis never loads ioredis itself (an optional peer): the app passes its own client.
assert.ok(!Object.keys(require.cache).some((path) => path.includes('ioredis')), './redis loaded ioredis')
for (const name of [
  'RedisTaskStore',
  'RedisEventBus',
  'RedisTaskLeases',
  'redisKeys',
  'redisTaskStoreDefaults',
]) {
  assert.ok(name in redisAdapter, `./redis is missing export ${name}`)
}
assert.throws(() => new redisAdapter.RedisTaskStore({}), { code: 'REDIS_CLIENT_MISSING' })
console.log(`cjs ok: ${Object.keys(server).length} exports, adapters: ${Object.keys(node).join(', ')}`)
