import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Cross-checks with tools from Debian's packages: npm run test:interop (vitest.interop.config.ts).
    exclude: [...configDefaults.exclude, 'test/interop/**'],
    // Physics tests are CPU-bound; two cores in CI.
    pool: 'forks',
    testTimeout: 60_000,
    // beforeAll hooks that train a model or generate an ensemble do a test's work
    hookTimeout: 60_000,
  },
});
