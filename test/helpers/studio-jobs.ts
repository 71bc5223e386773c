// Following jobs through the studio's events, as the renderer does.
import type { EventPayload } from '../../electron/ipc/contract.js';
import type { Studio } from '../../electron/services/studio.js';

type Finished = EventPayload<'job:finished'>;

/** Records job:finished events from now on; `finished(jobId)` resolves when that job ends. */
export function watchJobs(studio: Studio): {
  finished(jobId: string, timeoutMs?: number): Promise<Finished>;
  /** The first job of this kind that finished and was not taken yet (a follow-up job a channel did not name). */
  finishedKind(kind: Finished['kind'], timeoutMs?: number): Promise<Finished>;
  stop(): void;
} {
  const seen = new Map<string, Finished>();
  const taken = new Set<string>();
  const stop = studio.bus.listen((event, payload) => {
    if (event === 'job:finished') seen.set((payload as Finished).jobId, payload as Finished);
  });
  return {
    async finished(jobId, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (!seen.has(jobId)) {
        if (Date.now() > until) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return seen.get(jobId)!;
    },
    async finishedKind(kind, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = [...seen.values()].find((f) => f.kind === kind && !taken.has(f.jobId));
        if (hit) {
          taken.add(hit.jobId);
          return hit;
        }
        if (Date.now() > until) throw new Error(`no ${kind} job finished within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => void stop(),
  };
}

/** Calls a channel in-process and returns its value, or throws its error. */
export async function invoke<T>(studio: Studio, channel: string, payload: unknown): Promise<T> {
  const result = await studio.dispatch(channel, payload, { transport: 'in-process' });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}
