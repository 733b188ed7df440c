// Size budgets of @comfy-progress/webhook-manager (brotli, minified, as a bundler would ship it).
//
// The manager bundles core code a page would not load otherwise: parseTaskEvent, computeBackoffDelay,
// ComfyProgressError and the table of error messages it reads (about 2.3 KB brotli together). So
// three numbers are kept:
//   1. its own code, core left out: the 2 KB budget;
//   2. with the core code it uses, resolved per module from core's sources (what a bundler that
//      tree-shakes core keeps): the real cost of the package, budgeted (it grows with core's table
//      of error messages, which every package adds to);
//   3. with core's published build (dist/index.js, one file per module since core's tree-shaking work,
//      so a bundler drops ComfyClient and eventemitter3): reported, not budgeted; it should match 2.
const withCoreSources = (config) => ({
  ...config,
  conditions: ['@comfy-progress/source', ...(config.conditions ?? [])],
})

module.exports = [
  {
    name: 'webhook-manager: own code (core left out), budget 2 KB',
    path: 'dist/index.js',
    ignore: ['@comfy-progress/core'],
    limit: '2 KB',
  },
  {
    name: 'webhook-manager + the core code it uses (parseTaskEvent, computeBackoffDelay, ComfyProgressError + codes)',
    path: 'dist/index.js',
    modifyEsbuildConfig: withCoreSources,
    limit: '5 KB',
  },
  {
    name: "webhook-manager + core's published build (reported only)",
    path: 'dist/index.js',
  },
]
