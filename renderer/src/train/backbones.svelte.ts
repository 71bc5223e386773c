// The backbones the studio knows (installed or not), the engine it trains on, and downloads
// of missing backbones with their progress (from the job tracker).
import type { StudioClient } from '../../../electron/ipc/client';
import { isOfflineMessage } from '../../../electron/domain/offline-message';
import { errorText } from '../lib/errors';
import type { JobTracker, TrackedJob } from '../lib/jobs.svelte';
import type { RequestOutput } from '../lib/types';

export type Backbone = RequestOutput<'backbones:list'>[number];

export class BackboneCatalog {
  list = $state<Backbone[]>([]);
  engine = $state<RequestOutput<'engine:info'> | null>(null);
  error = $state<string | null>(null);
  /** A download that failed for want of a network (said with what to do instead). */
  offlineError = $state<string | null>(null);
  /** The project's backbone (a project setting) and whether it can be used now. */
  choice = $state<RequestOutput<'backbones:choice'> | null>(null);
  readonly shipped = $derived(this.list.find((b) => b.shipped) ?? null);
  readonly installed = $derived(this.list.filter((b) => b.state === 'installed'));

  constructor(
    private readonly studio: StudioClient,
    private readonly jobs: JobTracker,
  ) {}

  /** Reads the engine and the catalogue, and again whenever a download ends; call during component init. */
  connect(): void {
    void this.studio
      .invoke('engine:info', {})
      .then((info) => (this.engine = info))
      .catch((e) => (this.error = errorText(e)));
    $effect(() => {
      void this.downloads.length;
      void this.refresh();
    });
  }

  /** Downloads in progress (started here or elsewhere). */
  get downloads(): TrackedJob[] {
    return this.jobs.running.filter((j) => j.kind === 'download');
  }

  /** The backbone a run would use: the one picked here, or the project's. */
  chosen(id: string): Backbone | null {
    return this.list.find((b) => b.id === (id || this.choice?.backboneId)) ?? null;
  }

  async refreshChoice(): Promise<void> {
    try {
      this.choice = await this.studio.invoke('backbones:choice', {});
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** Picking a backbone makes it the project's choice (kept across restarts). */
  async choose(id: string): Promise<boolean> {
    if (!id) return false;
    try {
      this.choice = await this.studio.invoke('backbones:choose', { id });
      return true;
    } catch (e) {
      this.error = errorText(e);
      return false;
    }
  }

  async refresh(): Promise<void> {
    try {
      this.list = await this.studio.invoke('backbones:list', {});
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async download(id: string): Promise<void> {
    this.error = null;
    this.offlineError = null;
    try {
      const { jobId } = await this.studio.invoke('backbones:download', { id });
      const finished = await this.jobs.finished(jobId);
      if (finished.status === 'failed') {
        if (isOfflineMessage(finished.error)) this.offlineError = finished.error ?? '';
        else this.error = finished.error ?? 'The download failed.';
      }
      void this.refreshChoice();
    } catch (e) {
      this.error = errorText(e);
    }
  }
}
