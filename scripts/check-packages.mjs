#!/usr/bin/env node
// Checks every publishable package the way a user installs it (STYLE.md practices 17 and 21):
//   1. publint --strict            the exports map, files and fields are publishable
//   2. attw --pack                 types resolve for node10, node16 (ESM and CJS) and bundlers
//   3. entries == exports          every tsup entry has an exports subpath and vice versa
//   4. smoke                       the built package imported by its own name as ESM and as CJS
// Run after `pnpm build`. Exits non-zero on the first failing package, naming the check.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const only = process.argv.slice(2)

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private && (only.length === 0 || only.includes(pkg.name)))

let failed = false
for (const { dir, pkg } of packages) {
  const step = (name, fn) => {
    try {
      fn()
      console.log(`  ✓ ${name}`)
    } catch (error) {
      failed = true
      console.error(`  ✗ ${name}\n${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`)
    }
  }
  console.log(`\n${pkg.name}`)
  step('publint --strict', () => run(bin('publint'), ['--strict'], dir))
  step('attw --pack', () => run(bin('attw'), ['--pack', '.', '--format', 'table-flipped'], dir))
  step('tsup entries match the exports map', () => checkEntries(dir, pkg))
  step('smoke: ESM import and CJS require of the built package', () => smoke(dir))
}
if (failed) {
  console.error('\npackage checks failed')
  process.exit(1)
}
console.log(`\npackage checks passed for ${packages.length} packages`)

function run(file, args, cwd) {
  return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function checkEntries(dir, pkg) {
  const config = readFileSync(join(dir, 'tsup.config.ts'), 'utf8')
  const match = /export const entry = \{([^}]*)\}/.exec(config)
  if (!match) throw new Error('tsup.config.ts must declare `export const entry = { name: path }`')
  const entries = [...match[1].matchAll(/['"]?([\w/-]+)['"]?\s*:\s*['"]src\/([\w/.-]+)\.tsx?['"]/g)].map(
    ([, name]) => (name === 'index' ? '.' : `./${name.replace(/\/index$/, '')}`),
  )
  const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json')
  const missing = entries.filter((e) => !subpaths.includes(e))
  const extra = subpaths.filter((s) => !entries.includes(s))
  if (missing.length || extra.length) {
    throw new Error(
      `entries without export: ${missing.join(', ') || '-'}; exports without entry: ${extra.join(', ') || '-'}`,
    )
  }
}

function smoke(dir) {
  const esm = join(dir, 'test', 'smoke', 'esm.mjs')
  const cjs = join(dir, 'test', 'smoke', 'cjs.cjs')
  if (!existsSync(esm) || !existsSync(cjs)) {
    throw new Error('test/smoke/esm.mjs and test/smoke/cjs.cjs are required')
  }
  // Plain `node`, no source condition: the package's own name resolves to dist/ as in a user's install.
  process.stdout.write(run(process.execPath, [esm], dir).trimEnd().replace(/^/gm, '    ') + '\n')
  process.stdout.write(run(process.execPath, [cjs], dir).trimEnd().replace(/^/gm, '    ') + '\n')
  // Both formats must expose the same names.
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name
  const esmKeys = run(
    process.execPath,
    ['--input-type=module', '-e', `import * as m from '${name}'; console.log(Object.keys(m).sort().join())`],
    dir,
  )
  const cjsKeys = run(
    process.execPath,
    ['-e', `console.log(Object.keys(require('${name}')).sort().join())`],
    dir,
  )
  if (esmKeys !== cjsKeys)
    throw new Error(`ESM exports [${esmKeys.trim()}] differ from CJS [${cjsKeys.trim()}]`)
}
