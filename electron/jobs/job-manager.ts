// Long work as jobs: each gets an id, an AbortSignal for cancel, and progress events with an
// ETA that the renderer shows. Progress is throttled so a tight loop cannot flood a transport.
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../ipc/event-bus.js';
import { StudioError } from '../domain/result.js';
import type { JobInfo, JobKind } from '../domain/schemas.js';
import { EtaEstimator } from './eta.js';
import { IntentRegistry } from './intents.js';

const PROGRESS_INTERVAL_MS = 100;

export interface JobHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  /** Reports progress; a new phase name restarts the ETA. */
  progress(phase: string, done: number, total: number, message?: string): void;
  /** Throws a 'cancelled' StudioError once cancel was asked for. */
  throwIfCancelled(): void;
}

interface RunningJob {
  info: JobInfo;
  controller: AbortController;
  settled: Promise<unknown>;
}

export class JobManager {
  private readonly running = new Map<string, RunningJob>();
  /** Client keys of job-starting requests: one job per intent (see intents.ts). */
  readonly intents = new IntentRegistry(this);

  constructor(private readonly bus: EventBus) {}

  list(): JobInfo[] {
    return [...this.running.values()].map((job) => ({ ...job.info }));
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const job of this.running.values()) job.controller.abort();
  }

  /**
   * Resolves true once every running job has settled (done, failed or cancelled), false if
   * some are still running after timeoutMs: shutdown waits here before the database closes.
   */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)));
      await Promise.race([Promise.allSettled([...this.running.values()].map((job) => job.settled)), timeout]);
      clearTimeout(timer);
    }
    return true;
  }

  /** Starts work in the background; `done` settles with its result (or rejects). */
  start<T>(kind: JobKind, work: (job: JobHandle) => Promise<T>): { jobId: string; done: Promise<T> } {
    const id = randomUUID();
    const controller = new AbortController();
    const info: JobInfo = { jobId: id, kind, phase: 'starting', done: 0, total: 0, etaMs: null, startedAt: Date.now() };
    const running: RunningJob = { info, controller, settled: Promise.resolve() };
    this.running.set(id, running);
    const eta = new EtaEstimator();
    let lastEmit = 0;

    const handle: JobHandle = {
      id,
      signal: controller.signal,
      progress: (phase, done, total, message) => {
        if (phase !== info.phase) eta.restart();
        const phaseChanged = phase !== info.phase;
        Object.assign(info, { phase, done, total, etaMs: eta.estimate(done, total) });
        const now = Date.now();
        if (phaseChanged || done >= total || now - lastEmit >= PROGRESS_INTERVAL_MS) {
          lastEmit = now;
          this.bus.emit('job:progress', { jobId: id, kind, phase, done, total, etaMs: info.etaMs, ...(message ? { message } : {}) });
        }
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new StudioError('cancelled', `The ${kind} job was cancelled.`);
      },
    };

    const done = (async () => {
      try {
        const result = await work(handle);
        this.bus.emit('job:finished', { jobId: id, kind, status: 'done' });
        return result;
      } catch (error) {
        const cancelled = controller.signal.aborted || (error instanceof StudioError && error.code === 'cancelled');
        this.bus.emit('job:finished', {
          jobId: id,
          kind,
          status: cancelled ? 'cancelled' : 'failed',
          ...(cancelled ? {} : { error: error instanceof Error ? error.message : String(error) }),
        });
        throw error;
      } finally {
        this.running.delete(id);
      }
    })();
    running.settled = done.catch(() => undefined);
    return { jobId: id, done };
  }
}
