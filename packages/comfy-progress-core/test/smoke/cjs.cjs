// Requires the BUILT package by its own name, as a user's CommonJS code would.
const assert = require('node:assert/strict')
const core = require('@comfy-progress/core')

const expected = ['computeBackoffDelay', 'ComfyProgressError', 'isComfyProgressError', 'errorCodes']
for (const name of expected) assert.ok(name in core, `CJS build is missing export ${name}`)
assert.equal(core.computeBackoffDelay(0, { random: () => 1 }), 1000)
const error = new core.ComfyProgressError('MESSAGE_NOT_JSON')
assert.ok(core.isComfyProgressError(error, 'MESSAGE_NOT_JSON'))
console.log(`cjs ok: ${Object.keys(core).length} exports`)
