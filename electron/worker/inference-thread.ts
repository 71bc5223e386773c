// An onnxruntime session on its own worker thread (issue 21). onnxruntime-node runs a model
// synchronously on the calling JavaScript thread, so on the engine worker each batch stopped
// everything else that thread does — the augment warp, scaling pixels into the next batch,
// writing vectors to the cache — and the CPU the import saved did not become wall time. Here
// the caller sends a batch and goes on preparing the next while this thread runs the model.
//
// A batch is copied once when it is sent (the caller may refill its buffer at once) and the
// copy is transferred (a caller that hands its buffer over has it transferred instead); outputs
// come back transferred. Batches run in the order sent, one at a time (each run already uses its
// intra-op threads). A thread that dies fails what it had and every later call with the reason.
import type { Worker } from 'node:worker_threads';
import { spansWholeBuffer } from '../engine/whole-buffer.js';
import type { InferenceReply, InferenceRequest, InferenceWorkerData } from './inference-protocol.js';
import { spawnWorkerEntry } from './spawn.js';

interface Pending {
  resolve: (output: Float32Array) => void;
  reject: (error: Error) => void;
}

export class InferenceThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    /** Per-example input dims, NHWC without the batch. */
    readonly exampleShape: [number, number, number],
    readonly threads: number,
  ) {
    // Idle, the thread does not keep a process alive (a script that forgets dispose() still
    // exits); while a batch is out it does, as a synchronous run would have.
    worker.unref();
    worker.on('message', (reply: InferenceReply) => this.receive(reply));
    worker.on('error', (error) => this.fail(new Error(`the inference thread failed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`the inference thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and loads the model; rejects with onnxruntime's reason if it cannot. */
  static create(model: Uint8Array, options: { threads?: number } = {}): Promise<InferenceThread> {
    const data: InferenceWorkerData = { model, ...(options.threads ? { threads: options.threads } : {}) };
    const worker = spawnWorkerEntry('inference-worker', data);
    return new Promise<InferenceThread>((resolve, reject) => {
      const onMessage = (reply: InferenceReply) => {
        if (reply.type === 'ready') {
          cleanup();
          resolve(new InferenceThread(worker, reply.exampleShape, reply.threads));
        } else if (reply.type === 'failed') {
          cleanup();
          void worker.terminate();
          reject(new Error(reply.message));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the inference thread stopped while loading the model (exit code ${code})`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  get exampleSize(): number {
    return this.exampleShape[0] * this.exampleShape[1] * this.exampleShape[2];
  }

  /**
   * One batch of `count` NHWC examples; `pixels` may be reused as soon as this returns — unless
   * `handOver`, where the caller gives its buffer up and it is transferred, not copied.
   */
  run(pixels: Float32Array, count: number, options: { handOver?: boolean } = {}): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (pixels.length !== count * this.exampleSize) {
      return Promise.reject(new Error(`Expected ${count} x ${this.exampleShape.join('x')} values, got ${pixels.length}.`));
    }
    const id = this.nextId++;
    const copy = options.handOver && spansWholeBuffer(pixels) && pixels.buffer instanceof ArrayBuffer ? pixels : pixels.slice();
    if (this.pending.size === 0) this.worker.ref();
    const result = new Promise<Float32Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const request: InferenceRequest = { type: 'run', id, pixels: copy, count };
    this.worker.postMessage(request, [copy.buffer as ArrayBuffer]);
    return result;
  }

  /** Ends the thread after the batches already sent (their callers still get their outputs). */
  dispose(): void {
    if (this.failure) return;
    this.failure = new Error('This inference thread has been disposed.');
    const request: InferenceRequest = { type: 'dispose' };
    // The worker exits once its port closes (after the batches already sent).
    this.worker.postMessage(request);
  }

  private receive(reply: InferenceReply): void {
    if (reply.type !== 'output' && reply.type !== 'error') return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'output') waiting.resolve(reply.output);
    else waiting.reject(new Error(reply.message));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
