// Quitting while work runs: ask first, then cancel the jobs and wait for them to settle before
// the engine stops and the database closes, so nothing is left half-written. Electron's quit
// cannot wait for a promise, so the first quit is held back, the shutdown runs, and the app
// quits again once it is done.
import type { JobInfo } from '../domain/schemas.js';

export interface QuitGuardOptions {
  runningJobs(): readonly JobInfo[];
  /** Asks whether to cancel the running jobs and quit; resolves true to go ahead. */
  confirm(jobs: readonly JobInfo[]): Promise<boolean>;
  /** Cancels the jobs, waits for them, stops the engine, closes the project. */
  shutdown(): Promise<void>;
  /** Quits the app for real (app.quit()). */
  quit(): void;
}

interface Preventable {
  preventDefault(): void;
}

type Phase = 'open' | 'asking' | 'stopping' | 'stopped';

export class QuitGuard {
  private phase: Phase = 'open';
  /** Set when the user already agreed to cancel, so the quit that follows does not ask again. */
  private confirmed = false;

  constructor(private readonly options: QuitGuardOptions) {}

  get state(): Phase {
    return this.phase;
  }

  /** The window's 'close' event: with jobs running it stays open unless the user agrees. */
  onWindowClose(event: Preventable): void {
    if (this.phase === 'stopped' || this.confirmed) return;
    if (this.phase !== 'open') {
      event.preventDefault();
      return;
    }
    const jobs = this.options.runningJobs();
    if (jobs.length === 0) return;
    event.preventDefault();
    void this.ask(jobs).then((agreed) => {
      if (agreed) this.options.quit();
    });
  }

  /** The app's 'before-quit' event. */
  onBeforeQuit(event: Preventable): void {
    if (this.phase === 'stopped') return;
    event.preventDefault();
    if (this.phase !== 'open') return;
    void this.stopThenQuit();
  }

  private async ask(jobs: readonly JobInfo[]): Promise<boolean> {
    this.phase = 'asking';
    let agreed = false;
    try {
      agreed = await this.options.confirm(jobs);
    } finally {
      this.phase = 'open';
    }
    this.confirmed = agreed;
    return agreed;
  }

  private async stopThenQuit(): Promise<void> {
    const jobs = this.options.runningJobs();
    if (jobs.length > 0 && !this.confirmed && !(await this.ask(jobs))) return;
    this.phase = 'stopping';
    try {
      await this.options.shutdown();
    } catch (error) {
      console.error('[quit] shutdown failed:', error);
    }
    this.phase = 'stopped';
    this.options.quit();
  }
}

export function describeJobs(jobs: readonly JobInfo[]): string {
  const names: Record<JobInfo['kind'], string> = {
    import: 'an import',
    train: 'a training run',
    embed: 'embedding',
    evaluate: 'an evaluation',
    export: 'an export',
    health: 'a health check',
    download: 'a download',
  };
  const unique = [...new Set(jobs.map((job) => names[job.kind]))];
  return unique.length <= 1 ? (unique[0] ?? 'work') : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
}
