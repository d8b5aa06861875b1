import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the built node; the 2-core machines we target need headroom.
    testTimeout: 20_000,
    // Forks, not threads: test/adapters/stdio.test.ts needs a main thread's stack (about
    // 114,000 spread arguments overflow it; a worker thread's 4 MB takes 490,000).
    pool: 'forks',
    // One worker per core (vitest's default leaves one idle: 1 on 2 cores); many files
    // mostly wait on the processes they spawn.
    maxWorkers: availableParallelism(),
    // Files share a worker's modules instead of importing everything afresh (a third of the
    // CPU time); no test mocks modules or changes globals, and fake timers are reset after each.
    isolate: false,
  },
});
