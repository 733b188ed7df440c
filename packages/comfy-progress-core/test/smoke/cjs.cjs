// Requires the BUILT package by its own name, as a user's CommonJS code would.
const assert = require('node:assert/strict')
const { readFileSync } = require('node:fs')
const { join } = require('node:path')
const core = require('@comfy-progress/core')

const expected = [
  'parseMessage',
  'isExecutionBlocked',
  'computeBackoffDelay',
  'ComfyProgressError',
  'isComfyProgressError',
  'errorCodes',
  'initialProgressState',
  'reduceProgress',
  'NODE_STEP_NAMES',
  'createTaskEvent',
  'parseTaskEvent',
]
for (const name of expected) assert.ok(name in core, `CJS build is missing export ${name}`)
assert.equal(core.computeBackoffDelay(0, { random: () => 1 }), 1000)
const error = new core.ComfyProgressError('MESSAGE_NOT_JSON')
assert.ok(core.isComfyProgressError(error, 'MESSAGE_NOT_JSON'))

// parseMessage on real recorded frames: a progress text frame and a type-4 preview with metadata.
const recording = readFileSync(
  join(__dirname, '../../../../fixtures/comfyui/13-preview-metadata.jsonl'),
  'utf8',
)
const entries = recording
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line))
const progress = entries.find((entry) => entry.kind === 'text' && entry.data.type === 'progress')
const text = core.parseMessage(JSON.stringify(progress.data))
assert.ok(text.ok && text.message.type === 'progress' && text.message.data.node === '3')
const preview = core.parseMessage(Buffer.from(entries.find((entry) => entry.b64).b64, 'base64'))
assert.ok(preview.ok && preview.message.type === 'preview_image' && preview.message.mimeType === 'image/jpeg')
assert.equal(preview.message.metadata.prompt_id, progress.data.data.prompt_id)
// The progress model and task events: fold the recording's frames, then build and parse an event.
const meta = entries[0].meta
let state = core.initialProgressState({ workflow: {}, promptId: meta.prompt_ids[0] })
for (const entry of entries) {
  if (entry.kind === 'text') state = core.reduceProgress(state, entry.data, entry.t)
}
assert.equal(state.phase, 'success')
assert.equal(state.percentage, 100)
const event = core.createTaskEvent('task-1', state, { now: 0, result: { imageUrl: '/image/x.png' } })
assert.ok(core.parseTaskEvent(JSON.stringify(event)).ok && event.status === 'completed')
console.log(`cjs ok: ${Object.keys(core).length} exports`)
