import { defineConfig, type Options } from 'tsup'

/** The public entry points (one per `exports` subpath; `scripts/check-packages.mjs` compares them). */
export const entry = { index: 'src/index.ts' }

const shared = {
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
} satisfies Options

// ESM is emitted one file per source module (not bundled), so that a bundler importing only
// `parseTaskEvent` from `dist/index.js` drops every module it does not reach (`sideEffects: false`),
// and with them `ComfyClient`'s imports of eventemitter3 and isomorphic-ws. A single-file build keeps
// those imports: the bundler cannot tell that the modules they load have no side effects.
// CJS stays one bundled file (CommonJS consumers do not tree-shake). Both builds run in parallel, so
// the build script empties `dist` first instead of `clean` (which would race).
export default defineConfig([
  {
    ...shared,
    entry: ['src/**/*.ts', 'src/**/*.js', '!src/**/*.test.ts', '!src/**/*.test-d.ts', '!src/**/*.d.ts'],
    format: ['esm'],
    bundle: false,
    dts: { entry },
    clean: false,
  },
  {
    ...shared,
    entry,
    format: ['cjs'],
    dts: true,
    treeshake: true,
  },
])
