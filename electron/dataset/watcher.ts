// A watched source folder. chokidar reports files once their writes have settled
// (awaitWriteFinish); events are debounced into batches so that copying a thousand files in
// is one import, not a thousand. Existing files are not reported on start (ignoreInitial):
// the owner reconciles the folder once with a normal import, which skips every file whose
// size and mtime match what is stored, so watching 10,000 known files hashes none of them.
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
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
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
