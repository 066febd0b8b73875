import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
    // Output assertions read plain text: picocolors colours whenever CI or FORCE_COLOR is set,
    // which CI does; NO_COLOR wins over both, here and in every CLI the tests spawn.
    env: { NO_COLOR: '1' },
  },
});
