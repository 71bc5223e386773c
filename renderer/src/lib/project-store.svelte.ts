// The project as every screen shows it, after GitHub Desktop's AppStore: the open project and
// its classes, the label summary, the run history (and the newest finished run), and the jobs.
// It subscribes to the studio's events once and fetches each thing in one place; screens read
// it (given through setContext) instead of fetching and subscribing themselves.
import { getContext, setContext } from 'svelte';
import type { StudioClient } from '../../../electron/ipc/client';
import { JobTracker } from './jobs.svelte';
import type { Notices } from './notices.svelte';
import { newestFinishedRun } from './runs';
import type { LabelSummary, ProjectInfo, RunSummary } from './types';

/** How many runs the history keeps at hand (the studio's own default page). */
const RUNS_LIMIT = 100;
/** Label changes come in bursts (a key held down, a bulk action): the counts follow once they settle. */
const SUMMARY_SETTLE_MS = 250;

export class ProjectStore {
  /** The open project (null on the Projects screen); its classes come with it. */
  project = $state<ProjectInfo | null>(null);
  /** Counts per class and split; null until first read. */
  summary = $state<LabelSummary | null>(null);
  /** The run history, newest first. */
  runs = $state<RunSummary[]>([]);
  readonly latestRun = $derived(newestFinishedRun(this.runs));
  /** Bumped when images were added or changed outside a screen's own actions (an import, a watched folder). */
  imagesVersion = $state(0);
  readonly classes = $derived(this.project?.classes ?? []);
  readonly jobs: JobTracker;
  private summaryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly studio: StudioClient,
    readonly notices: Notices,
  ) {
    this.jobs = new JobTracker(studio);
  }

  /** Reads the open project and subscribes to every event the store follows; returns the unsubscribe. */
  start(): () => void {
    const stopJobs = this.jobs.start();
    void this.notices.guard(async () => this.setProject(await this.studio.invoke('project:current', {})), 'Could not reach the studio');
    const offs = [
      this.studio.on('project:changed', (event) => this.setProject(event.project)),
      this.studio.on('labels:changed', () => this.refreshSummary()),
      this.studio.on('splits:changed', () => {
        // Cards show their split: the grid's pages follow, as the counts do.
        this.imagesVersion++;
        this.refreshSummary();
      }),
      this.studio.on('watch:changed', () => {
        this.imagesVersion++;
        void this.refreshProject();
        this.refreshSummary();
      }),
      this.studio.on('job:finished', (f) => {
        // Imports (and watched folders) add images and may create classes from folder names.
        if (f.kind === 'import') {
          this.imagesVersion++;
          void this.refreshProject();
          this.refreshSummary(0);
        }
        if (f.kind === 'train' || f.kind === 'evaluate') void this.refreshRuns();
      }),
      this.studio.on('job:progress', (p) => {
        // A training that started (here or elsewhere) has a run in the history now.
        if (p.kind === 'train' && !this.runs.some((r) => r.status === 'running')) void this.refreshRuns();
      }),
    ];
    return () => {
      stopJobs();
      offs.forEach((off) => off());
      clearTimeout(this.summaryTimer);
    };
  }

  /** A project opened or created here (its event follows, and changes nothing more). */
  setProject(next: ProjectInfo | null): void {
    const switched = next?.path !== this.project?.path;
    this.project = next;
    if (!switched) return;
    this.summary = null;
    this.runs = [];
    if (next) {
      void this.refreshRuns();
      this.refreshSummary(0);
    }
  }

  async refreshProject(): Promise<void> {
    if (!this.project) return;
    const next = await this.notices.guard(() => this.studio.invoke('project:current', {}));
    if (next !== undefined) this.setProject(next);
  }

  async refreshRuns(): Promise<void> {
    if (!this.project) return;
    const path = this.project.path;
    const runs = await this.notices.guard(() => this.studio.invoke('runs:list', { limit: RUNS_LIMIT }), 'Could not list the runs');
    if (runs && this.project?.path === path) this.runs = runs;
  }

  /** Reads the counts again once changes settle (at once with delay 0). */
  refreshSummary(delay = SUMMARY_SETTLE_MS): void {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = setTimeout(async () => {
      if (!this.project) return;
      const path = this.project.path;
      const next = await this.notices.guard(() => this.studio.invoke('project:summary', {}));
      if (next && this.project?.path === path) this.summary = next;
    }, delay);
  }
}

const KEY = Symbol('project-store');

export function provideProjectStore(store: ProjectStore): ProjectStore {
  return setContext(KEY, store);
}

export function projectStore(): ProjectStore {
  const store = getContext<ProjectStore | undefined>(KEY);
  if (!store) throw new Error('projectStore() is called outside the studio shell.');
  return store;
}
