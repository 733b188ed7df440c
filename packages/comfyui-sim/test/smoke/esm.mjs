// Imports the BUILT package by its own name, as a user's ESM code would (no source condition),
// starts a simulator, runs a prompt over real HTTP and WebSocket, and closes it.
import assert from 'node:assert/strict'
import * as sim from '@comfy-progress/comfyui-sim'
import { WebSocket } from 'ws'

const expected = [
  'createComfyUiSim',
  'comfyUiSimDefaults',
  'recordedTiming',
  'Faults',
  'recordComfyUiRun',
  'recordDefaults',
]
for (const name of expected) assert.ok(name in sim, `ESM build is missing export ${name}`)
assert.ok(!('default' in sim), 'no default export')

const server = await sim.createComfyUiSim({ speed: 1000 })
const socket = new WebSocket(`${server.wsUrl}?clientId=smoke`)
const types = []
const done = new Promise((resolve) =>
  socket.on('message', (data, isBinary) => {
    if (isBinary) return types.push('binary')
    const frame = JSON.parse(String(data))
    types.push(frame.type)
    if (frame.type === 'executing' && frame.data.node === null) resolve()
  }),
)
await new Promise((resolve) => socket.once('open', resolve))
const prompt = {
  1: { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
  2: { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'smoke' } },
}
const response = await fetch(`${server.url}/prompt`, {
  method: 'POST',
  body: JSON.stringify({ prompt, client_id: 'smoke' }),
})
assert.equal(response.status, 200)
await done
assert.ok(types.includes('execution_success'), types.join())
socket.terminate()
await server.close()
console.log(`esm ok: ${Object.keys(sim).length} exports, ${types.length} frames`)
