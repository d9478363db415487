import { defineConfig } from 'vitest/config';

/**
 * `npm run test:interop`: cross-checks of our file formats with numpy and h5py, which need
 * `apt-get install python3-numpy python3-h5py` (not part of `npm test`).
 */
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
