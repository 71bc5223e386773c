// A watched source folder. chokidar reports files once their writes have settled
// (awaitWriteFinish); events are debounced into batches so that copying a thousand files in
// is one import, not a thousand. Existing files are not reported on start (ignoreInitial):
// the owner reconciles the folder once with a normal import, which skips every file whose
// size and mtime match what is stored, so watching 10,000 known files hashes none of them.
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface WatchBatch {
  /** Files added or changed, sorted. */
  changed: string[];
  /** Files (and folders) that disappeared, sorted. */
  removed: string[];
}

export interface WatcherOptions {
  /** Quiet time after the last event before a batch goes out. */
  debounceMs?: number;
  /** A steady stream of events still flushes this often. */
  maxWaitMs?: number;
  /** How long a file's size must stay unchanged before it counts as written. */
  stabilityMs?: number;
  /** Folders never watched (the project folder, when it sits inside the source). */
  exclude?: readonly string[];
  onError?: (error: unknown) => void;
}

/** A name chokidar will not report: not UTF-8, a link that leads nowhere, or a link to a folder that contains it. */
async function unfollowable(file: string): Promise<boolean> {
  if (file.includes('\ufffd')) return true;
  const link = await fs.lstat(file).catch(() => null);
  if (!link?.isSymbolicLink()) return false;
  const target = await fs.realpath(file).catch(() => null);
  if (target === null) return true;
  const parent = await fs.realpath(path.dirname(file)).catch(() => null);
  return parent !== null && (parent === target || parent.startsWith(target + path.sep));
}

export class FolderWatcher {
  private watcher: FSWatcher | null = null;
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private firstPending = 0;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly root: string,
    private readonly onBatch: (batch: WatchBatch) => Promise<void>,
    private readonly options: WatcherOptions = {},
  ) {}

  /** Resolves once chokidar has listed the folder: from then on no change is missed. */
  async start(): Promise<void> {
    const exclude = (this.options.exclude ?? []).map((p) => path.resolve(p));
    const watcher = watch(this.root, {
      ignoreInitial: true,
      // Hidden files and folders (.DS_Store, .git) are skipped, as folder import does.
      ignored: (p: string) => (p !== this.root && path.basename(p).startsWith('.')) || exclude.some((e) => p === e || p.startsWith(e + path.sep)),
      awaitWriteFinish: { stabilityThreshold: this.options.stabilityMs ?? 400, pollInterval: 100 },
    });
    this.watcher = watcher;
    watcher.on('add', (p) => this.note(p, 'changed'));
    watcher.on('change', (p) => this.note(p, 'changed'));
    watcher.on('unlink', (p) => this.note(p, 'removed'));
    watcher.on('unlinkDir', (p) => this.note(p, 'removed'));
    watcher.on('error', (error) => this.options.onError?.(error));
    // chokidar drops, without any event, names it cannot follow: a dangling or looping link, a
    // link back to a folder above it, a name that is not UTF-8. fs.watch's raw events still
    // name them; they go into a batch so that the import reports them, as a folder import does.
    watcher.on('raw', (_event, name, details) => {
      const dir = (details as { watchedPath?: string } | undefined)?.watchedPath;
      if (typeof name === 'string' && name && dir) void this.noteUnfollowable(path.resolve(dir, name), exclude);
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private async noteUnfollowable(file: string, exclude: readonly string[]): Promise<void> {
    if (path.basename(file).startsWith('.') || exclude.some((e) => file === e || file.startsWith(e + path.sep))) return;
    if (!(file === this.root || file.startsWith(this.root + path.sep))) return;
    if (await unfollowable(file)) this.note(file, 'changed');
  }

  private note(file: string, kind: 'changed' | 'removed'): void {
    if (this.closed) return;
    (kind === 'changed' ? this.removed : this.changed).delete(file);
    (kind === 'changed' ? this.changed : this.removed).add(file);
    const now = Date.now();
    if (this.timer === null) this.firstPending = now;
    else clearTimeout(this.timer);
    const wait = Math.min(this.options.debounceMs ?? 300, Math.max(0, this.firstPending + (this.options.maxWaitMs ?? 3000) - now));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Batches run one after another; events that arrive meanwhile form the next batch. */
  private flush(): void {
    this.timer = null;
    const batch: WatchBatch = { changed: [...this.changed].sort(), removed: [...this.removed].sort() };
    this.changed.clear();
    this.removed.clear();
    if (batch.changed.length === 0 && batch.removed.length === 0) return;
    this.running = this.running.then(() => (this.closed ? undefined : this.onBatch(batch))).catch((error: unknown) => this.options.onError?.(error));
  }

  /** Resolves when no batch is pending or running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.timer !== null) await new Promise((r) => setTimeout(r, 20));
    await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.watcher?.close();
    await this.running.catch(() => undefined);
  }
}
