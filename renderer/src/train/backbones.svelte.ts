// The backbones the studio knows (installed or not), the engine it trains on, and downloads
// of missing backbones with their progress (from the job tracker).
import type { StudioClient } from '../../../electron/ipc/client';
import { errorText } from '../lib/errors';
import type { JobTracker, TrackedJob } from '../lib/jobs.svelte';
import type { RequestOutput } from '../lib/types';

export type Backbone = RequestOutput<'backbones:list'>[number];

export class BackboneCatalog {
  list = $state<Backbone[]>([]);
  engine = $state<RequestOutput<'engine:info'> | null>(null);
  error = $state<string | null>(null);
  readonly installed = $derived(this.list.filter((b) => b.state === 'installed'));
  readonly defaultBackbone = $derived(this.list.find((b) => b.isDefault) ?? null);

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

  /** The backbone a run would use: the chosen one, or the default. */
  chosen(id: string): Backbone | null {
    return this.list.find((b) => b.id === (id || this.defaultBackbone?.id)) ?? null;
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
    try {
      const { jobId } = await this.studio.invoke('backbones:download', { id });
      const finished = await this.jobs.finished(jobId);
      if (finished.status === 'failed') this.error = finished.error ?? 'The download failed.';
    } catch (e) {
      this.error = errorText(e);
    }
  }
}
