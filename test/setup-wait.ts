// vi.waitFor waits for a state to arrive (an event, a row); how long that takes is not what the
// tests assert, and Vitest's 1 s default failed them on a busy machine (an import that now also
// embeds its photos). Same reason as `expect.poll` in vitest.config.ts: 15 s unless a test says.
import { vi } from 'vitest';

const waitFor = vi.waitFor;
vi.waitFor = ((callback: Parameters<typeof waitFor>[0], options?: Parameters<typeof waitFor>[1]) =>
  waitFor(callback, typeof options === 'number' ? options : { timeout: 15_000, interval: 50, ...options })) as typeof vi.waitFor;

// The per-run folders of vitest.config.ts, made per worker: two files running at once must not
// share a recent-projects list or install the shipped backbone into the same cache together.
const worker = process.env.VITEST_POOL_ID ?? '0';
for (const name of ['STUDIO_USER_DATA', 'STUDIO_MODEL_CACHE'] as const) {
  const dir = process.env[name];
  if (dir && !dir.endsWith(`-w${worker}`)) process.env[name] = `${dir}-w${worker}`;
}
