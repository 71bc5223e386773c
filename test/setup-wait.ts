// vi.waitFor waits for a state to arrive (an event, a row); how long that takes is not what the
// tests assert, and Vitest's 1 s default failed them on a busy machine (an import that now also
// embeds its photos). Same reason as `expect.poll` in vitest.config.ts: 15 s unless a test says.
import { vi } from 'vitest';

const waitFor = vi.waitFor;
vi.waitFor = ((callback: Parameters<typeof waitFor>[0], options?: Parameters<typeof waitFor>[1]) =>
  waitFor(callback, typeof options === 'number' ? options : { timeout: 15_000, interval: 50, ...options })) as typeof vi.waitFor;
