import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built node; the 2-core machines we target need headroom.
    testTimeout: 20_000,
  },
});
