// Imports the BUILT package by its own name, as a user's ESM code would (no source condition).
import assert from 'node:assert/strict'
import * as core from '@comfy-progress/core'

const expected = ['computeBackoffDelay', 'ComfyProgressError', 'isComfyProgressError', 'errorCodes']
for (const name of expected) assert.ok(name in core, `ESM build is missing export ${name}`)
assert.ok(!('default' in core), 'no default export')
assert.equal(core.computeBackoffDelay(0, { random: () => 1 }), 1000)
console.log(`esm ok: ${Object.keys(core).length} exports`)
