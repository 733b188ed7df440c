// Requires the BUILT package by its own name, as a user's CommonJS code would (no source condition).
const assert = require('node:assert/strict')
const pkg = require('@comfy-progress/webhook-manager')

assert.deepEqual(Object.keys(pkg).sort(), ['WebhookManager', 'webhookManager', 'webhookManagerDefaults'])
assert.ok(pkg.webhookManager instanceof pkg.WebhookManager)
assert.deepEqual(pkg.webhookManager.connection, { state: 'idle', attempt: 0 })

// Without any EventSource (Node), a subscription fails cleanly with a code, never a throw.
const manager = new pkg.WebhookManager()
manager.subscribe('mB3kV0c6TnS8yq1Zp4W2xA', {
  onError: (error) => {
    assert.equal(error.code, 'EVENT_SOURCE_UNAVAILABLE')
    assert.equal(manager.connection.state, 'given-up')
    console.log(`cjs ok: ${Object.keys(pkg).length} exports, EVENT_SOURCE_UNAVAILABLE without EventSource`)
  },
})
