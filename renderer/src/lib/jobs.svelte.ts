// Every long action is a job on the main side; this follows all of them for the job tray and
// lets a screen wait for the one it started. Events can arrive before the channel's answer
// (a quick job finishes first), so finished jobs are remembered and waiting checks them.
import type { StudioClient } from '../../../electron/ipc/client';
import type { EventPayload, JobKind } from './types';

type Finished = EventPayload<'job:finished'>;

export interface TrackedJob {
  jobId: string;
  kind: JobKind;
  phase: string;
  done: number;
  total: number;
  etaMs: number | null;
  message?: string | undefined;
  status: 'running' | Finished['status'];
  error?: string | undefined;
  finishedAt?: number;
}

const KEEP_FINISHED = 30;

export const JOB_NAMES: Record<JobKind, string> = {
  import: 'Import',
  train: 'Training',
  embed: 'Embedding',
  evaluate: 'Evaluation',
  export: 'Export',
  health: 'Health check',
  download: 'Download',
};

export class JobTracker {
  jobs = $state<TrackedJob[]>([]);
  readonly running = $derived(this.jobs.filter((j) => j.status === 'running'));
  private readonly waiters = new Map<string, Array<(f: TrackedJob) => void>>();
  /** Called when a job the tracker had not seen starts (App clears that kind's old errors). */
  onStart: ((kind: JobKind) => void) | null = null;

  constructor(private readonly studio: StudioClient) {}

  /** Subscribes to job events and picks up jobs already running; returns the unsubscribe. */
  start(): () => void {
    // Each progress event carries the job's whole state: an event without a message clears the
    // last one (an import's "embedding 0/36" must not stay under its next phase).
    const offProgress = this.studio.on('job:progress', (p) => this.upsert({ ...p, message: p.message, status: 'running' }));
    const offFinished = this.studio.on('job:finished', (f) => this.finish(f));
    void this.studio
      .invoke('jobs:list', {})
      .then((list) => list.forEach((j) => this.upsert({ ...j, status: 'running' })))
      .catch(() => undefined);
    return () => {
      offProgress();
      offFinished();
    };
  }

  get(jobId: string): TrackedJob | undefined {
    return this.jobs.find((j) => j.jobId === jobId);
  }

  /** Resolves with the job once it has finished (at once if it already has). */
  finished(jobId: string): Promise<TrackedJob> {
    const known = this.get(jobId);
    if (known && known.status !== 'running') return Promise.resolve(known);
    return new Promise((resolve) => this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), resolve]));
  }

  async cancel(jobId: string): Promise<void> {
    await this.studio.invoke('jobs:cancel', { jobId });
  }

  dismiss(jobId: string): void {
    this.jobs = this.jobs.filter((j) => j.jobId !== jobId);
  }

  private upsert(job: TrackedJob): void {
    const i = this.jobs.findIndex((j) => j.jobId === job.jobId);
    // A late progress event must not revive a job that has finished.
    if (i >= 0 && this.jobs[i]!.status !== 'running') return;
    if (i >= 0) this.jobs[i] = { ...this.jobs[i]!, ...job };
    else {
      // A new job of a kind: the failure of the previous one is no longer news.
      this.jobs = [...this.jobs.filter((j) => !(j.kind === job.kind && j.status === 'failed')), job];
      this.onStart?.(job.kind);
    }
  }

  private finish(f: Finished): void {
    const i = this.jobs.findIndex((j) => j.jobId === f.jobId);
    const base: TrackedJob = i >= 0 ? this.jobs[i]! : { jobId: f.jobId, kind: f.kind, phase: '', done: 0, total: 0, etaMs: null, status: 'running' };
    const done: TrackedJob = { ...base, status: f.status, error: f.error, etaMs: null, finishedAt: Date.now() };
    const others = this.jobs.filter((j) => j.jobId !== f.jobId);
    const finished = others.filter((j) => j.status !== 'running');
    const keep = new Set(finished.slice(-KEEP_FINISHED + 1).map((j) => j.jobId));
    this.jobs = [...others.filter((j) => j.status === 'running' || keep.has(j.jobId)), done];
    for (const resolve of this.waiters.get(f.jobId) ?? []) resolve(done);
    this.waiters.delete(f.jobId);
  }
}
