import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './tests/sequencer.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A folder per run for what several files share, built on first use: the compiled CLI, the
    // crash-safety workspaces (tests/helpers/built-once.ts).
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    env: { LANCEDB_LOG: 'error' },
    // vitest keeps a core for itself (cores − 1 workers), which on a 2-core machine runs every file
    // one after the other. The main process mostly waits, and many tests wait on a child process,
    // Chromium or a socket, so two files at a time use both cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // One worker process runs file after file and keeps the library's modules loaded: a fresh
    // process per file spent about a second of CPU each re-loading them (LanceDB, Arrow, the
    // barrel), some 30 % of the suite's CPU. So a test resets what it changes on the process
    // (environment, working folder, spies, listeners) in a finally or afterEach, as
    // tests/helpers/cli.ts does.
    isolate: false,
    // A fresh clone has no durations cached: the slowest files are started first by name (tests/sequencer.ts).
    sequence: { sequencer: SlowestFirstSequencer },
  },
});
