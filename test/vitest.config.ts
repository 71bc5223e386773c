import os from 'node:os';
import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  // Renderer state lives in .svelte.ts modules whose runes ($state, $derived) only the Svelte
  // compiler understands: unit tests of them (project-store.test.ts) import them through it.
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // better-sqlite3 and sharp are native: forks isolate them better than threads.
    pool: 'forks',
    // Two files at a time even on 2 cores (Vitest's default there is one): most files spend much
    // of their time waiting on child processes, Chromium or Python, and one worker took CI to 27 of
    // its 30 minutes. STUDIO_TEST_WORKERS=1 runs them one by one. Each worker keeps its own
    // user-data and model-cache folders (test/setup-wait.ts), so files never share them at once.
    maxWorkers: Number(process.env.STUDIO_TEST_WORKERS ?? 2),
    // Generous: a test that seeds 100,000 rows or trains a model took minutes beside CPU burners.
    // A timeout catches a hang; it is not a speed check (the bench:* scripts measure speed).
    testTimeout: 240_000,
    // Studios made by tests keep their recent-projects list here, never in the user's own folder.
    // The same for the model cache: the shipped backbone installs on first use, and a test must
    // find the cache it expects (empty unless it installs one), never what another run left.
    env: {
      STUDIO_USER_DATA: path.join(os.tmpdir(), `studio-test-user-data-${process.pid}`),
      STUDIO_MODEL_CACHE: path.join(os.tmpdir(), `studio-test-model-cache-${process.pid}`),
    },
    hookTimeout: 300_000,
    // expect.poll waits for a state to arrive (a count, a status); how long it may take is not
    // what the tests assert. Vitest's 1 s default failed them on a machine busy with other work.
    expect: { poll: { timeout: 15_000 } },
    setupFiles: ['test/setup-wait.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
