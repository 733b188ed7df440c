// Imports the BUILT package by its own name, as a user's ESM code would (no source condition).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as core from '@comfy-progress/core'

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
for (const name of expected) assert.ok(name in core, `ESM build is missing export ${name}`)
assert.ok(!('default' in core), 'no default export')
assert.equal(core.computeBackoffDelay(0, { random: () => 1 }), 1000)

// parseMessage on real recorded frames: a progress text frame and a type-1 JPEG preview.
const recording = readFileSync(
  new URL('../../../../fixtures/comfyui/01-txt2img-basic.jsonl', import.meta.url),
  'utf8',
)
const entries = recording
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line))
const progress = entries.find((entry) => entry.kind === 'text' && entry.data.type === 'progress')
const text = core.parseMessage(JSON.stringify(progress.data))
assert.ok(text.ok && text.message.type === 'progress' && text.message.data.max === 20)
const preview = core.parseMessage(Buffer.from(entries.find((entry) => entry.b64).b64, 'base64'))
assert.ok(preview.ok && preview.message.type === 'preview_image' && preview.message.mimeType === 'image/jpeg')
const bad = core.parseMessage('{"type":"progress","data":{"value":"x","max":1}}')
assert.ok(!bad.ok && core.isComfyProgressError(bad.error, 'MESSAGE_INVALID_SHAPE'))
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
console.log(`esm ok: ${Object.keys(core).length} exports`)
