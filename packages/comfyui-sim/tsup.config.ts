import { defineConfig } from 'tsup'

/** The library's entries; they must match the `exports` map (scripts/check-packages.mjs checks). */
export const entry = { index: 'src/index.ts' }

export default defineConfig({
  // `cli` is not exported: bin/comfyui-sim.js imports dist/cli.js.
  entry: { ...entry, cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
})
