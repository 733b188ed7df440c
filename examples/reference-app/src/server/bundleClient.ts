import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** A file the bundler produced, served under `/assets/`. */
export interface Asset {
  readonly contentType: string
  readonly body: Uint8Array
}

const ENTRY_POINTS = {
  index: fileURLToPath(new URL('../client/indexPage.tsx', import.meta.url)),
  inpaint: fileURLToPath(new URL('../client/inpaintPage.tsx', import.meta.url)),
}

/**
 * Bundles the two pages' scripts in memory with esbuild's JS API, at startup: no separate build step.
 * ES modules with code splitting (Preact and the comfy-progress packages land in one shared chunk);
 * workspace packages resolve to their sources through the `@comfy-progress/source` condition.
 *
 * @returns The files by name (`index.js`, `inpaint.js`, `chunk-….js`, and their source maps).
 */
export async function bundleClient(): Promise<ReadonlyMap<string, Asset>> {
  const result = await build({
    entryPoints: ENTRY_POINTS,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16'],
    conditions: ['@comfy-progress/source'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    outdir: '/assets',
    write: false,
    logLevel: 'silent',
  })
  const assets = new Map<string, Asset>()
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1)
    const contentType = name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8'
    assets.set(name, { contentType, body: file.contents })
  }
  return assets
}
