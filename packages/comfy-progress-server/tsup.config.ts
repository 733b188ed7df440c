import { defineConfig } from 'tsup'

export const entry = {
  index: 'src/index.ts',
  'node/index': 'src/adapters/node/index.ts',
  'fetch/index': 'src/adapters/fetch/index.ts',
  'redis/index': 'src/adapters/redis/index.ts',
}

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
})
