#!/usr/bin/env node
// Browser bundle sizes of our packages against the ComfyUI clients people use today, bundled the way an
// app would ship them: esbuild, platform browser, bundle + minify, ESM, then brotli (quality 11, as
// size-limit measures) and gzip. Our packages are bundled from their built dist (rebuilt first, so the
// numbers are from the current source; core only when missing, see below) through their package exports, exactly as a user's bundler
// resolves them (no @comfy-progress/source condition); preact is external for the banner, as it is a
// peer dependency the page already has. Peers: a minimal entry that keeps their client class.
// Writes bench-results/bundle-sizes.json for scripts/benchReport.mjs and prints the table.
//
// Run: `node scripts/benchBundles.mjs` (part of `pnpm bench`). BUNDLES_NO_BUILD=1 skips the rebuild.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = resolve(import.meta.dirname, '..')
const pkgDir = (name) => join(root, 'packages', name)
const version = (dir, name) =>
  JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version

// The two browser packages are rebuilt (nothing else in `pnpm bench` builds them). Core is built only if
// its dist is missing: in `pnpm bench` the server bench has just built it, and rebuilding it here (its
// build starts by deleting dist/) would pull it from under anything else using it at that moment.
if (process.env.BUNDLES_NO_BUILD !== '1') {
  const build = (filter) =>
    execFileSync('pnpm', ['--filter', filter, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (!existsSync(join(pkgDir('comfy-progress-core'), 'dist/index.js'))) build('@comfy-progress/core')
  build('@comfy-progress/webhook-manager')
  build('@comfy-progress/progress-banner')
}

const core = pkgDir('comfy-progress-core')
const manager = pkgDir('webhook-manager')
const banner = pkgDir('progress-banner')
const stableVersion = version(core, '@stable-canvas/comfyui-client')
const saintnoVersion = version(core, '@saintno/comfyui-sdk')

/** Each entry is what a page imports; `resolveDir` is a package whose node_modules resolve its imports. */
const entries = [
  {
    name: '@comfy-progress/webhook-manager',
    what: 'whole public API (SSE task follower: reconnect, resume, many tasks per stream), with the core code it uses',
    contents: `export * from ${JSON.stringify(join(manager, 'dist/index.js'))}`,
    resolveDir: manager,
  },
  {
    name: '@comfy-progress/progress-banner',
    what: 'whole public API (Preact banner + connection status), preact external',
    contents: `export * from ${JSON.stringify(join(banner, 'dist/index.js'))}`,
    resolveDir: banner,
  },
  {
    name: 'webhook-manager + progress-banner',
    what: 'both, as a page that follows tasks and shows them ships them (shared core code counted once), preact external',
    contents: [
      `export * from ${JSON.stringify(join(manager, 'dist/index.js'))}`,
      `export * from ${JSON.stringify(join(banner, 'dist/index.js'))}`,
    ].join('\n'),
    resolveDir: banner,
  },
  {
    name: '@comfy-progress/core ComfyClient',
    what: 'our direct ComfyUI client (WebSocket + HTTP, parse, per-prompt progress), the like-for-like of the peers',
    contents: `export { ComfyClient } from '@comfy-progress/core'`,
    resolveDir: manager,
  },
  {
    name: `@stable-canvas/comfyui-client ${stableVersion}`,
    what: 'its Client class (WebSocket + HTTP, node-level progress events)',
    contents: `export { Client } from '@stable-canvas/comfyui-client'`,
    resolveDir: core,
  },
  {
    name: `@saintno/comfyui-sdk ${saintnoVersion}`,
    what: 'its ComfyApi class (WebSocket + HTTP, node-level progress events)',
    contents: `export { ComfyApi } from '@saintno/comfyui-sdk'`,
    resolveDir: core,
  },
]

const measured = []
for (const entry of entries) {
  try {
    const result = await build({
      stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      external: ['preact', 'preact/*'],
      write: false,
      logLevel: 'silent',
    })
    const code = result.outputFiles[0].contents
    const brotli = brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    }).length
    measured.push({ ...entry, minified: code.length, gzip: gzipSync(code, { level: 9 }).length, brotli })
  } catch (error) {
    measured.push({ ...entry, error: String(error.message ?? error).split('\n')[0] })
  }
}

const bytes = (n) => `${n.toLocaleString('en-US')} B`
const ratioTo = (name) => {
  const base = measured.find((m) => m.name === name)
  return (m) =>
    m.brotli === undefined || base?.brotli === undefined ? '—' : `${(m.brotli / base.brotli).toFixed(2)}×`
}
const vsManager = ratioTo('@comfy-progress/webhook-manager')
const vsClient = ratioTo('@comfy-progress/core ComfyClient')
const columns = [
  'Bundle',
  'What a page gets',
  'Minified',
  'gzip',
  'brotli',
  '× webhook-manager',
  '× ComfyClient',
]
const rows = measured.map((m) =>
  m.error === undefined
    ? [m.name, m.what, bytes(m.minified), bytes(m.gzip), bytes(m.brotli), vsManager(m), vsClient(m)]
    : [m.name, m.what, `failed: ${m.error}`, '—', '—', '—', '—'],
)

const result = {
  id: 'bundle-sizes',
  title: 'Browser bundle sizes against peer clients',
  command: 'node scripts/benchBundles.mjs',
  sections: [
    {
      title: 'Browser bundles (esbuild, platform browser, minified, ESM)',
      description:
        'Bytes a page ships for each entry, bundled and minified by esbuild for the browser, then compressed with brotli (quality 11) and gzip (level 9).',
      columns,
      rows,
      notes: [
        "Ours are bundled from the built dist (webhook-manager and progress-banner rebuilt by this script; core by the server bench that runs before it in `pnpm bench`, or when missing) through the package exports, as a user bundler resolves them; core code is tree-shaken per module. The size budgets checked in CI are in each package's .size-limit config (`pnpm size`).",
        'Peers: a minimal entry that keeps their client class (`export { Client }`, `export { ComfyApi }`); esbuild drops whatever that class does not reach. @saintno/comfyui-sdk imports `ws`, which resolves to its browser stub.',
        'The peers are ComfyUI clients: their like-for-like is our ComfyClient. In our architecture the browser talks to the comfy-progress server over SSE instead, so a page ships webhook-manager (and the banner), not a ComfyUI client.',
        `esbuild ${(await import('esbuild')).version}, Node ${process.version}.`,
      ],
    },
  ],
}

const resultsDir = join(root, 'bench-results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(join(resultsDir, 'bundle-sizes.json'), `${JSON.stringify(result, null, 2)}\n`)
console.table(rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]]))))
// A bundle that did not build is in the table as "failed", but `pnpm bench` must not pass over it.
const failed = measured.filter((m) => m.error !== undefined)
if (failed.length > 0) {
  console.error(`benchBundles: ${failed.length} bundle(s) failed: ${failed.map((m) => m.name).join(', ')}`)
  process.exitCode = 1
}
