// Requires the BUILT package by its own name, as a user's CommonJS code would.
const assert = require('node:assert/strict')
const server = require('@comfy-progress/server')
const node = require('@comfy-progress/server/node')
const fetchAdapter = require('@comfy-progress/server/fetch')

const expected = [
  'createTaskId',
  'isTaskId',
  'MemoryTaskStore',
  'MemoryEventBus',
  'formatSseEvent',
  'statusForError',
]
for (const name of expected) assert.ok(name in server, `CJS build is missing export ${name}`)
for (const adapter of [node, fetchAdapter]) {
  assert.equal(typeof adapter.createSseHandler, 'function', 'adapter is missing createSseHandler')
}
assert.deepEqual(Object.keys(node).sort(), Object.keys(fetchAdapter).sort(), 'the adapters mirror each other')
assert.ok(server.isTaskId(server.createTaskId()))
assert.equal(server.statusForError('TASK_EXPIRED'), 410)
console.log(`cjs ok: ${Object.keys(server).length} exports, adapters: ${Object.keys(node).join(', ')}`)
