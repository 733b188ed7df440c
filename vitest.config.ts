import { defineConfig } from 'vitest/config'

/**
 * One Vitest config for the whole workspace. Tests are grouped by layer, not by package, so that each
 * CI step (`pnpm test:unit`, `pnpm test:integration`, …) names the layer that failed.
 *
 * The `@comfy-progress/source` condition makes workspace packages resolve to their `src/` files, so
 * tests run without a build (the built output is checked separately by `pnpm test:package`).
 */
const conditions = ['@comfy-progress/source', 'module', 'node', 'import', 'default']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@comfy-progress/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/src/**/*.test.tsx',
            'examples/*/src/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'packages/*/test/integration/**/*.test.ts',
            'examples/*/test/*.test.ts',
            'examples/*/test/integration/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Integration suites open real sockets and servers; keep them from fighting over 2 cores.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          // Node-side tests that drive Debian's Chromium through playwright-core against real servers.
          name: 'browser',
          include: [
            'packages/*/test/browser/**/*.browser.test.{ts,tsx}',
            'examples/*/test/browser/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
        },
      },
    ],
  },
})
