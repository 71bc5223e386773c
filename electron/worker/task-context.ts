// What a task running in the engine worker gets from its caller: progress and events that go
// back to the main process, and a cancel flag the main thread sets in shared memory.
import { StudioError } from '../domain/result.js';
import type { TaskEvent, TaskProgress } from './protocol.js';

export interface TaskContext {
  progress(p: TaskProgress): void;
  event(e: TaskEvent): void;
  /** Throws a 'cancelled' StudioError once cancel was asked for. */
  checkpoint(): void;
  /** Aborts when cancel is asked for (polled), for APIs that take a signal. */
  readonly signal: AbortSignal;
}

const POLL_MS = 100;

export function taskContext(
  flag: Int32Array,
  send: { progress(p: TaskProgress): void; event(e: TaskEvent): void },
): { context: TaskContext; release(): void } {
  const controller = new AbortController();
  const poll = setInterval(() => {
    if (Atomics.load(flag, 0) !== 0) controller.abort();
  }, POLL_MS);
  return {
    context: {
      progress: send.progress,
      event: send.event,
      checkpoint() {
        if (Atomics.load(flag, 0) !== 0) throw new StudioError('cancelled', 'Cancelled.');
      },
      signal: controller.signal,
    },
    release: () => clearInterval(poll),
  };
}
