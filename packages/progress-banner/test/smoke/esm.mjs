// Imports the BUILT package by its own name, as a user's ESM code would (no source condition), and
// renders it on the server with preact-render-to-string: no window, no document.
import assert from 'node:assert/strict'
import { h } from 'preact'
import { render } from 'preact-render-to-string'
import * as pkg from '@comfy-progress/progress-banner'

const expected = [
  'BANNER_STYLES',
  'ConnectionStatus',
  'ProgressBanner',
  'connectionStatusLabels',
  'describeProgress',
  'formatEta',
  'progressBannerDefaults',
]
assert.deepEqual(Object.keys(pkg).sort(), expected)
assert.ok(!('default' in pkg), 'no default export')
assert.equal(pkg.formatEta(6.2), 'about 6 s left')
assert.equal(pkg.formatEta(null), '')

const source = { subscribe: () => () => undefined }
const html = render(h(pkg.ProgressBanner, { taskId: 'mB3kV0c6TnS8yq1Zp4W2xA', webhookManager: source }))
assert.match(html, /role="progressbar"/)
assert.match(html, /aria-valuenow="0"/)
assert.match(html, /Dismiss generation progress/)
const status = render(
  h(pkg.ConnectionStatus, {
    source: { connection: { state: 'reconnecting', attempt: 1 }, on: () => () => {} },
  }),
)
assert.match(status, /Reconnecting\.\.\./)
console.log(`esm ok: ${Object.keys(pkg).length} exports, server-side render`)
