// The main process's handle on the engine worker. It starts the worker on first use, routes
// each call's progress and events to its caller, cancels through shared memory, and turns a
// crashed worker into clear errors for every call in flight (the next call starts a new one).
import type { Worker } from 'node:worker_threads';
import { StudioError } from '../domain/result.js';
import type { BackendInfo } from '../engine/backend.js';
import { FromWorker, type TaskEvent, type TaskName, type TaskProgress, type EngineTasks, type ToWorker, type WorkerOptions } from './protocol.js';
import { spawnEngineWorker } from './spawn.js';

export interface CallOptions {
  onProgress?: (p: TaskProgress) => void;
  onEvent?: (e: TaskEvent) => void;
  signal?: AbortSignal;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  options: CallOptions;
  flag: Int32Array;
}

interface Running {
  worker: Worker;
  ready: Promise<BackendInfo>;
}

const STOP_GRACE_MS = 2000;

export class EngineHost {
  private running: Running | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private backendInfo: BackendInfo | null = null;

  constructor(
    private readonly options: WorkerOptions,
    private readonly spawn: (options: WorkerOptions) => Worker = spawnEngineWorker,
  ) {}

  /** Where the worker looks for backbones (main reads it to list them without the worker). */
  get modelCache(): string {
    return this.options.modelCache;
  }

  /** The backend the worker chose, once it has started. */
  get backend(): BackendInfo | null {
    return this.backendInfo;
  }

  get started(): boolean {
    return this.running !== null;
  }

  start(): Promise<BackendInfo> {
    return this.ensure().ready;
  }

  async call<T extends TaskName>(task: T, args: EngineTasks[T]['args'], options: CallOptions = {}): Promise<EngineTasks[T]['result']> {
    if (options.signal?.aborted) throw new StudioError('cancelled', 'Cancelled.');
    const { worker, ready } = this.ensure();
    await ready;
    const id = this.nextId++;
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, options, flag }));
    const onAbort = () => Atomics.store(flag, 0, 1);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ type: 'call', id, task, args, cancel } satisfies ToWorker);
    try {
      return (await result) as EngineTasks[T]['result'];
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels every call, lets the worker free its models, then ends it. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    for (const p of this.pending.values()) Atomics.store(p.flag, 0, 1);
    this.running = null;
    const exited = new Promise<void>((resolve) => running.worker.once('exit', () => resolve()));
    running.worker.postMessage({ type: 'shutdown' } satisfies ToWorker);
    const timer = setTimeout(() => void running.worker.terminate(), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    this.failAll(new StudioError('cancelled', 'The engine was stopped.'));
  }

  private ensure(): Running {
    if (this.running) return this.running;
    const worker = this.spawn(this.options);
    let settle!: { resolve(b: BackendInfo): void; reject(e: Error): void };
    const ready = new Promise<BackendInfo>((resolve, reject) => (settle = { resolve, reject }));
    ready.catch(() => undefined);
    const running: Running = { worker, ready };
    this.running = running;

    worker.on('message', (raw: unknown) => {
      // Checked at the thread boundary like the contract at the IPC one: a malformed message
      // fails its call with a clear error instead of leaving it waiting.
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success) {
        const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'number' ? raw.id : null;
        const p = id === null ? undefined : this.pending.get(id);
        if (id !== null && p) {
          this.pending.delete(id);
          p.reject(new StudioError('internal', `The training engine sent a malformed message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
        }
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'ready':
          this.backendInfo = message.backend;
          settle.resolve(message.backend);
          return;
        case 'startup-failed':
          settle.reject(new StudioError('internal', `The training engine could not start: ${message.error.message}`));
          return;
        case 'progress':
          this.pending.get(message.id)?.options.onProgress?.(message.progress);
          return;
        case 'event':
          this.pending.get(message.id)?.options.onEvent?.(message.event);
          return;
        case 'result': {
          const p = this.pending.get(message.id);
          if (!p) return;
          this.pending.delete(message.id);
          if (message.ok) p.resolve(message.value);
          else p.reject(new StudioError(message.error.code, message.error.message, message.error.issues));
        }
      }
    });
    const crashed = (reason: string) => {
      if (this.running !== running) return;
      this.running = null;
      const error = new StudioError('internal', `The training engine stopped unexpectedly (${reason}). Try again; it restarts on the next call.`);
      settle.reject(error);
      this.failAll(error);
    };
    worker.on('error', (error) => crashed(error.message));
    worker.on('exit', (code) => crashed(`exit code ${code}`));
    return running;
  }

  private failAll(error: StudioError): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
