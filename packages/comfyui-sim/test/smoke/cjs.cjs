// Requires the BUILT package by its own name, as a user's CommonJS code would.
const assert = require('node:assert/strict')
const sim = require('@comfy-progress/comfyui-sim')

const expected = [
  'createComfyUiSim',
  'comfyUiSimDefaults',
  'recordedTiming',
  'Faults',
  'recordComfyUiRun',
  'recordDefaults',
]
for (const name of expected) assert.ok(name in sim, `CJS build is missing export ${name}`)
assert.equal(sim.comfyUiSimDefaults.port, 0)

sim.createComfyUiSim({ speed: 1000 }).then(async (server) => {
  const response = await fetch(`${server.url}/object_info/KSampler`)
  assert.equal(response.status, 200)
  assert.ok('KSampler' in (await response.json()))
  await server.close()
  console.log(`cjs ok: ${Object.keys(sim).length} exports`)
})
