import { defineConfig } from 'tsup'

export const entry = { index: 'src/index.ts' }

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'browser',
})
