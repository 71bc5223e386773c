// The dataset side of the studio: imports as jobs (one at a time per studio, so two never
// race on the same files), watched folders that follow the open project, the health check.
import fs from 'node:fs';
import path from 'node:path';
import type { HealthReport, ImportSummary, WatchedFolder } from '../domain/schemas.js';
import type { Project } from '../project/project.js';
import { readSettings } from '../project/settings.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { JobHandle, JobManager } from '../jobs/job-manager.js';
import type { Session } from '../project/session.js';
import { addWatchedFolder, listWatchedFolders, removeWatchedFolder } from '../project/watched-folders.js';
import { markInterruptedImports } from '../project/dataset-catalog.js';
import { runHealthCheck } from './health.js';
import { storeHealthReport } from '../project/health-reports.js';
import { runImport, startImportRecord, type ImportOptions } from './import-job.js';
import { requireCsvFile, requireSource, type ImportSource } from './import-plan.js';
import type { EmbedAhead } from './embed-stage.js';
import { FolderWatcher, type WatchBatch, type WatcherOptions } from './watcher.js';

export interface StartedImport {
  jobId: string;
  importId: number;
  done: Promise<ImportSummary>;
}

/** What curation needs from the studio (the services' ServiceDeps has it; dataset/ does not import services/). */
export interface DatasetDeps {
  session: Session;
  bus: EventBus;
  jobs: JobManager;
  /**
   * Embedding ahead of training for an import job (issue 21): null when the project's backbone
   * is not on this machine (the import then runs as before). Absent: imports never embed.
   */
  embedAhead?: (project: Project, job: JobHandle) => EmbedAhead | null;
}

export class DatasetService {
  private queue: Promise<unknown> = Promise.resolve();
  private embedding: Promise<unknown> = Promise.resolve();
  private readonly watchers = new Map<string, FolderWatcher>();
  private readonly watchErrors = new Map<string, string>();
  private readonly jobIds = new Set<string>();

  constructor(
    private readonly deps: DatasetDeps,
    private readonly options: { import?: Omit<ImportOptions, 'signal' | 'progress' | 'importId' | 'embed'>; watch?: WatcherOptions; embedAhead?: boolean } = {},
  ) {
    deps.session.observe({ opened: (project) => this.opened(project), closing: () => this.closing() });
  }

  /** Checks the source now (so the caller gets a typed error at once), then imports in a job. */
  startImport(source: ImportSource): StartedImport {
    const project = this.deps.session.requireProject();
    if (source.kind === 'folder' || (source.kind === 'watch' && !source.batch)) requireSource(source.root, 'folder');
    if (source.kind === 'csv') requireCsvFile(source.file);
    const importId = startImportRecord(project, source);
    const { jobId, done } = this.deps.jobs.start('import', async (job) => {
      job.progress('queued', 0, 0);
      // One import at a time: the next waits for the previous one, whatever its outcome.
      // Cancelled while queued, runImport still closes the import's record as cancelled.
      // The photos are embedded for the project's backbone as they are decoded (issue 21);
      // the next import need not wait for the embedding tail, whose passes run one at a time.
      const ahead = this.options.embedAhead === false ? null : (this.deps.embedAhead?.(project, job) ?? null);
      const turn = this.queue.then(() =>
        runImport(project, source, { ...this.options.import, signal: job.signal, progress: ahead?.progress ?? job.progress, importId, ...(ahead ? { embed: ahead.stage } : {}) }),
      );
      this.queue = turn.catch(() => undefined);
      if (!ahead) return turn;
      const previous = this.embedding;
      const tail = turn.then(async (summary) => {
        await previous;
        await ahead.finish();
        return summary;
      });
      this.embedding = tail.catch(() => undefined);
      return tail;
    });
    this.jobIds.add(jobId);
    void done.finally(() => this.jobIds.delete(jobId)).catch(() => undefined);
    return { jobId, importId, done };
  }

  startHealthCheck(): { jobId: string; done: Promise<HealthReport> } {
    const project = this.deps.session.requireProject();
    const { jobId, done } = this.deps.jobs.start('health', async (job) => {
      job.progress('checking', 0, 1);
      const report = runHealthCheck(project.db, { inputSize: readSettings(project.db).preprocessing.inputSize });
      job.throwIfCancelled();
      storeHealthReport(project.db, report);
      job.progress('checking', 1, 1);
      return report;
    });
    return { jobId, done };
  }

  // ---- watched folders ----

  listWatched(): WatchedFolder[] {
    const rows = listWatchedFolders(this.deps.session.requireProject().db);
    return rows.map((r) => ({ id: r.id, path: r.path, addedAt: r.addedAt, active: this.watchers.has(r.path), error: this.watchErrors.get(r.path) ?? null }));
  }

  /** Stores the folder, starts watching (ready when this resolves), then reconciles it in an import job. */
  async addWatch(folder: string): Promise<{ folder: WatchedFolder; reconcile: StartedImport | null }> {
    const project = this.deps.session.requireProject();
    const root = path.resolve(folder);
    requireSource(root, 'folder');
    addWatchedFolder(project.db, root);
    const reconcile = await this.startWatcher(project, root);
    return { folder: this.listWatched().find((w) => w.path === root)!, reconcile };
  }

  async removeWatch(id: number): Promise<boolean> {
    const root = removeWatchedFolder(this.deps.session.requireProject().db, id);
    if (root === null) return false;
    const watcher = this.watchers.get(root);
    this.watchers.delete(root);
    this.watchErrors.delete(root);
    await watcher?.close();
    return true;
  }

  /** Resolves when every watcher is idle and every import has finished (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.watchers.values()].map((w) => w.idle()));
      await this.queue;
      await this.embedding;
      if (this.jobIds.size === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async startWatcher(project: Project, root: string): Promise<StartedImport | null> {
    if (this.watchers.has(root)) return null;
    const watcher = new FolderWatcher(root, (batch) => this.importBatch(project, root, batch), {
      ...this.options.watch,
      exclude: [project.dir],
      onError: (error) => this.watchErrors.set(root, error instanceof Error ? error.message : String(error)),
    });
    this.watchers.set(root, watcher);
    try {
      await watcher.start();
    } catch (error) {
      this.watchers.delete(root);
      this.watchErrors.set(root, error instanceof Error ? error.message : String(error));
      await watcher.close();
      return null;
    }
    // Changes made while nobody watched (or while chokidar started) are found by a full pass;
    // files whose size and mtime match are not hashed again.
    const reconcile = this.startImport({ kind: 'watch', root });
    void reconcile.done.then((summary) => this.announce(root, summary)).catch(() => undefined);
    return reconcile;
  }

  private async importBatch(project: Project, root: string, batch: WatchBatch): Promise<void> {
    if (this.deps.session.project !== project) return;
    const summary = await this.startImport({ kind: 'watch', root, batch }).done;
    this.announce(root, summary);
  }

  private announce(root: string, summary: ImportSummary): void {
    const c = summary.counts;
    if (!c) return;
    this.deps.bus.emit('watch:changed', {
      folder: root,
      added: c.added + c.duplicates,
      changed: c.updated,
      removed: c.missing,
      moved: c.restored,
      problems: c.problems,
      importId: summary.id,
    });
  }

  private opened(project: Project): void {
    markInterruptedImports(project.db);
    for (const { path: root } of listWatchedFolders(project.db)) {
      if (!fs.existsSync(root)) {
        this.watchErrors.set(root, 'the folder does not exist (is the disk connected?)');
        continue;
      }
      void this.startWatcher(project, root).catch((error: unknown) => this.watchErrors.set(root, String(error)));
    }
  }

  private closing(): void {
    for (const id of this.jobIds) this.deps.jobs.cancel(id);
    for (const watcher of this.watchers.values()) void watcher.close();
    this.watchers.clear();
    this.watchErrors.clear();
  }
}
