import { describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/ipc/event-bus.js';
import type { EventChannel } from '../../electron/ipc/contract.js';
import { EtaEstimator } from '../../electron/jobs/eta.js';
import { JobManager } from '../../electron/jobs/job-manager.js';

function recordEvents(bus: EventBus): Array<{ event: EventChannel; payload: unknown }> {
  const seen: Array<{ event: EventChannel; payload: unknown }> = [];
  bus.listen((event, payload) => seen.push({ event, payload }));
  return seen;
}

describe('EtaEstimator', () => {
  it('extrapolates the observed rate and holds back at the very start', () => {
    let now = 0;
    const eta = new EtaEstimator(() => now);
    now = 100;
    expect(eta.estimate(1, 1000)).toBeNull();
    now = 2000;
    expect(eta.estimate(100, 1000)).toBe(18_000);
    expect(eta.estimate(1000, 1000)).toBe(0);
  });
});

describe('JobManager', () => {
  it('reports progress and a finished event, and lists running jobs', async () => {
    const bus = new EventBus();
    const seen = recordEvents(bus);
    const jobs = new JobManager(bus);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { jobId, done } = jobs.start('import', async (job) => {
      job.progress('hashing', 0, 10);
      await gate;
      for (let i = 1; i <= 10; i++) job.progress('hashing', i, 10);
      return 'ok';
    });
    expect(jobs.list().map((j) => j.jobId)).toEqual([jobId]);
    release();
    expect(await done).toBe('ok');
    expect(jobs.list()).toEqual([]);
    const progress = seen.filter((e) => e.event === 'job:progress').map((e) => e.payload as { done: number });
    // Throttled: the first and the last always go out, the tight loop in between does not.
    expect(progress.length).toBeLessThan(11);
    expect(progress.at(-1)).toMatchObject({ done: 10, total: 10, etaMs: 0 });
    expect(seen.at(-1)).toEqual({ event: 'job:finished', payload: { jobId, kind: 'import', status: 'done' } });
  });

  it('cancels through the signal and reports the job as cancelled, not failed', async () => {
    const bus = new EventBus();
    const seen = recordEvents(bus);
    const jobs = new JobManager(bus);
    const { jobId, done } = jobs.start('train', async (job) => {
      for (;;) {
        job.throwIfCancelled();
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    setTimeout(() => jobs.cancel(jobId), 20);
    await expect(done).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen.at(-1)?.payload).toMatchObject({ jobId, status: 'cancelled' });
    expect(jobs.cancel(jobId)).toBe(false);
  });

  it('reports a failure with its message', async () => {
    const bus = new EventBus();
    const seen = recordEvents(bus);
    const { done } = new JobManager(bus).start('export', async () => {
      throw new Error('disk full');
    });
    await expect(done).rejects.toThrow('disk full');
    expect(seen.at(-1)?.payload).toMatchObject({ status: 'failed', error: 'disk full' });
  });
});
