import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Cross-checks with tools from Debian's packages: npm run test:interop (vitest.interop.config.ts).
    exclude: [...configDefaults.exclude, 'test/interop/**'],
    // Physics tests are CPU-bound; two cores in CI.
    pool: 'forks',
    // One test file per core: vitest's default (cores - 1) ran CI's two cores one file at a
    // time (npm test's vitest part: 7.1 min serial, 3.7 min with two files at once, measured
    // one after the other on the quiet 2-core box; the slowest test 20 s, under the 60 s timeout).
    // At most 8: os.availableParallelism() does not see a container's CPU quota, and each file
    // may start worker threads and child processes of its own.
    maxWorkers: Math.min(8, availableParallelism()),
    testTimeout: 60_000,
    // beforeAll hooks that train a model or generate an ensemble do a test's work
    hookTimeout: 60_000,
  },
});
