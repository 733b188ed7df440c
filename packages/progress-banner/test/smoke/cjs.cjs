// Requires the BUILT package by its own name, as a user's CommonJS code would, and renders it on the
// server with preact-render-to-string.
const assert = require('node:assert/strict')
const { h } = require('preact')
const { render } = require('preact-render-to-string')
const pkg = require('@comfy-progress/progress-banner')

assert.equal(typeof pkg.ProgressBanner, 'function')
assert.equal(typeof pkg.ConnectionStatus, 'function')
assert.equal(pkg.formatEta(130), 'about 2 min left')
const html = render(
  h(pkg.ProgressBanner, { taskId: 't', webhookManager: { subscribe: () => () => undefined } }),
)
assert.match(html, /<section class="cpb" data-status="pending"/)
console.log(`cjs ok: ${Object.keys(pkg).length} exports, server-side render`)
