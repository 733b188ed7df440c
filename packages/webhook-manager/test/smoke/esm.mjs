// Imports the BUILT package by its own name, as a user's ESM code would (no source condition), in
// plain Node: no window, no document, no EventSource — the server-side-rendering situation.
import assert from 'node:assert/strict'
import * as pkg from '@comfy-progress/webhook-manager'

assert.deepEqual(Object.keys(pkg).sort(), ['WebhookManager', 'webhookManager', 'webhookManagerDefaults'])
assert.ok(!('default' in pkg), 'no default export')
assert.ok(pkg.webhookManager instanceof pkg.WebhookManager)
assert.deepEqual(pkg.webhookManager.connection, { state: 'idle', attempt: 0 })
assert.equal(pkg.webhookManagerDefaults.backoff.initialDelayMs, 1000)

// A subscription with an injected EventSource: one stream, the event validated and routed.
const opened = []
class FakeEventSource {
  readyState = 0
  listeners = new Map()
  constructor(url) {
    this.url = url
    opened.push(this)
  }
  addEventListener(type, listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.readyState = 2
  }
  dispatch(type, fields) {
    for (const listener of this.listeners.get(type) ?? []) listener({ type, ...fields })
  }
}
const manager = new pkg.WebhookManager({ EventSource: FakeEventSource, baseUrl: '/api' })
const seen = []
manager.subscribe('mB3kV0c6TnS8yq1Zp4W2xA', {
  onComplete: (event) => seen.push(event.result.imageUrl),
  onError: (error) => seen.push(error.code),
})
await Promise.resolve()
assert.equal(opened.length, 1)
assert.equal(opened[0].url, '/api/progress?tasks=mB3kV0c6TnS8yq1Zp4W2xA')
const completed = {
  taskId: 'mB3kV0c6TnS8yq1Zp4W2xA',
  status: 'completed',
  progress: { percentage: 100, currentStep: 'Complete', currentValue: 20, maxValue: 20 },
  result: { imageUrl: '/image/image_123.png' },
  timestamp: '2025-11-25T12:35:30.123Z',
}
opened[0].dispatch('in-progress', { data: '{"not":"an event"}', lastEventId: '' })
opened[0].dispatch('completed', { data: JSON.stringify(completed), lastEventId: 'mB3kV0c6TnS8yq1Zp4W2xA:7' })
assert.deepEqual(seen, ['TASK_EVENT_INVALID', '/image/image_123.png'])
console.log(`esm ok: ${Object.keys(pkg).length} exports, SSR-safe import, one stream, validated routing`)
