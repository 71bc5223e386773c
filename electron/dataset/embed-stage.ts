// The import's embedding stage (issue 21): model inputs the import decoded anyway wait in a
// small queue and go to the backbone in batches while the import goes on. The queue is bounded
// (an examine waits when it is full, so memory stays a few MB whatever the import's size), and
// a failing backbone never fails the import: the stage stops taking work and the catch-up pass
// (or Train, as before issue 21) embeds the rest from the files.
import type { Preprocessing } from '../domain/schemas.js';
import type { ModelInput, ViewRequest } from './decode-once.js';

export interface StageItem {
  hash: string;
  /** Training's views of this content (view 0 and the default augmented ones) not cached yet. */
  inputs: ModelInput[];
  /** The file the pixels came from (the backbone's first load may check a conversion on it). */
  path: string;
}

export interface EmbedSink {
  /** The spec the model inputs are made for (the project's backbone and recorded preprocessing). */
  readonly preprocessing: Preprocessing;
  /** The views of this content a one-click Train embeds that are not cached yet. */
  missing(hash: string): ViewRequest[];
  /** Embeds one batch into the cache; resolves once it is written. */
  embed(items: StageItem[]): Promise<void>;
}

/**
 * What an import job gets when it embeds ahead of training (the services build it: dataset/
 * does not know the engine): the stage the import feeds, its progress with the stage's count,
 * and the tail that embeds what is left once the import has committed.
 */
export interface EmbedAhead {
  readonly stage: EmbedStage;
  progress(phase: string, done: number, total: number, message?: string): void;
  finish(): Promise<void>;
}

export interface EmbedStageOptions {
  batchSize?: number;
  /** Items waiting at most (each is (1 + K views) × inputSize² × 3 bytes: 150 KB per view at 224). */
  maxQueued?: number;
  signal?: AbortSignal;
  onProgress?: (embedded: number, accepted: number) => void;
}

/** Batches handed to the sink at once. */
const IN_FLIGHT = 2;

export class EmbedStage {
  private queue: StageItem[] = [];
  private readonly seen = new Set<string>();
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private running: Promise<void> | null = null;
  private spaceWaiters: Array<() => void> = [];
  private failure: unknown = null;
  /** Set while drain waits with a free slot: called when a batch is ready (or the stage stops). */
  private onFilled: (() => void) | null = null;
  private closing = false;
  /** Items handed over / written to the cache. */
  accepted = 0;
  embedded = 0;

  constructor(
    readonly sink: EmbedSink,
    private readonly options: EmbedStageOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 32;
    this.maxQueued = Math.max(this.batchSize, options.maxQueued ?? this.batchSize * 2);
    options.signal?.addEventListener('abort', () => this.wake(), { once: true });
  }

  get preprocessing(): Preprocessing {
    return this.sink.preprocessing;
  }

  /** Why the stage stopped taking work, if it did. */
  get error(): unknown {
    return this.failure;
  }

  private get stopped(): boolean {
    return this.failure !== null || this.options.signal?.aborted === true;
  }

  /** The views the import should make for this content (none when cached, queued or stopped). */
  wants(hash: string): ViewRequest[] {
    return this.stopped || this.seen.has(hash) ? [] : this.sink.missing(hash);
  }

  /** Queues one model input; waits while the queue is full (the import's backpressure). */
  async push(item: StageItem): Promise<void> {
    if (this.stopped || this.seen.has(item.hash)) return;
    this.seen.add(item.hash);
    while (this.queue.length >= this.maxQueued && !this.stopped) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    if (this.stopped) return;
    this.queue.push(item);
    this.accepted++;
    this.report();
    if (this.queue.length >= this.batchSize) this.kick();
  }

  /** Embeds what is left and waits until every queued item is written (or the stage stopped). */
  async finish(): Promise<void> {
    this.closing = true;
    this.kick();
    while (this.running) await this.running;
  }

  /** Full batches only, until finish(): onnxruntime and the worker round trip pay per call. */
  private ready(): boolean {
    return !this.stopped && (this.queue.length >= this.batchSize || (this.closing && this.queue.length > 0));
  }

  private kick(): void {
    if (this.running) {
      if (this.ready() || this.stopped) this.onFilled?.();
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.ready()) this.kick();
    });
  }

  /**
   * Two batches in flight at most: while the backbone (on its own thread) embeds one, the
   * engine worker scales the next into its batch, so neither waits for the other.
   */
  private async drain(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.ready() || inFlight.size > 0) {
      if (!this.ready() || inFlight.size >= IN_FLIGHT) {
        // A batch coming back, or (with a slot free) a batch filling up, whichever is first.
        const filled = inFlight.size < IN_FLIGHT ? [new Promise<void>((resolve) => (this.onFilled = resolve))] : [];
        await Promise.race([...inFlight, ...filled]);
        this.onFilled = null;
        continue;
      }
      const batch = this.queue.splice(0, this.batchSize);
      this.wake();
      const embedding: Promise<void> = this.sink.embed(batch).then(
        () => {
          this.embedded += batch.length;
          this.report();
        },
        (error: unknown) => {
          this.failure ??= error;
        },
      );
      inFlight.add(embedding);
      void embedding.finally(() => inFlight.delete(embedding));
    }
    // Stopped: what is still queued is left to the catch-up pass.
    if (this.stopped) this.queue = [];
    this.wake();
  }

  private wake(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private report(): void {
    this.options.onProgress?.(this.embedded, this.accepted);
  }
}
