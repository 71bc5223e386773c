// Runs an .onnx image model on onnxruntime-node's native CPU kernels: the embedding ladder's rung
// between native TensorFlow and tfjs-wasm (DESIGN.md, "Native-speed embeddings"). The package is
// imported lazily so the studio still starts, and falls back, when it failed to install.
import os from 'node:os';
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;

export type OrtAvailability = { ok: true; ort: OrtModule } | { ok: false; reason: string };

let availability: Promise<OrtAvailability> | null = null;

/** First line of an error and of each of its causes (a loader often wraps the dlopen failure). */
function describe(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error; e !== undefined && lines.length < 4; e = e instanceof Error ? e.cause : undefined) {
    lines.push((e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200));
  }
  return lines.join(': ');
}

/** onnxruntime-node, or why it cannot be used here (recorded with the run, shown to the user). */
export function loadOnnxRuntime(): Promise<OrtAvailability> {
  availability ??= (async (): Promise<OrtAvailability> => {
    try {
      // A variable specifier keeps bundlers from resolving it at build time (it is native).
      const specifier = 'onnxruntime-node';
      const ort = (await import(/* @vite-ignore */ specifier)) as OrtModule & { default?: OrtModule };
      const api = ort.InferenceSession ? ort : ort.default;
      if (!api?.InferenceSession) return { ok: false, reason: 'onnxruntime-node loaded but exposes no InferenceSession' };
      return { ok: true, ort: api };
    } catch (error) {
      return { ok: false, reason: `onnxruntime-node could not be loaded: ${describe(error)}` };
    }
  })();
  return availability;
}

export interface OnnxRunnerOptions {
  /** Intra-op threads; default: every core (embedding is the only heavy work while it runs). */
  threads?: number;
}

export class OnnxRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly inputName: string,
    readonly outputName: string,
    /** Per-example input dims, NHWC without the batch: [H, W, C]. */
    readonly exampleShape: [number, number, number],
    readonly threads: number,
  ) {}

  static async create(bytes: Uint8Array, options: OnnxRunnerOptions = {}): Promise<OnnxRunner> {
    const loaded = await loadOnnxRuntime();
    if (!loaded.ok) throw new Error(loaded.reason);
    const threads = Math.max(1, Math.floor(options.threads ?? os.availableParallelism()));
    const session = await loaded.ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      // One model run at a time; parallelism comes from inside each op.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // Idle ORT threads sleep instead of spinning: a model run always shares the cores with
      // decoding (libvips) and the JavaScript thread, and spin-waits took their time — measured
      // with 4 thumbnails in flight beside batches of 32 on 2 cores, both went 20-40 % faster.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    try {
      const [input] = session.inputMetadata;
      const [output] = session.outputMetadata;
      if (session.inputNames.length !== 1 || session.outputNames.length !== 1 || !input || !output || !input.isTensor) {
        throw new Error(`Expected one image input and one output, the model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}].`);
      }
      const dims = input.shape.slice(1);
      if (dims.length !== 3 || !dims.every((d): d is number => typeof d === 'number')) {
        throw new Error(`Expected an NHWC input with fixed H, W and C, got [${input.shape.join(', ')}].`);
      }
      return new OnnxRunner(loaded.ort, session, input.name, output.name, dims as [number, number, number], threads);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  get exampleSize(): number {
    return this.exampleShape[0] * this.exampleShape[1] * this.exampleShape[2];
  }

  /** One batch: `pixels` holds `count` NHWC examples; returns the output, examples concatenated. */
  run(pixels: Float32Array, count: number): Promise<Float32Array> {
    if (pixels.length !== count * this.exampleSize) {
      return Promise.reject(new Error(`Expected ${count} x ${this.exampleShape.join('x')} values, got ${pixels.length}.`));
    }
    // Runs are serialised: each already uses every core, and concurrent runs would only thrash.
    const result = this.queue.then(async () => {
      if (this.disposed) throw new Error('This ONNX session has been disposed.');
      const input = new this.ort.Tensor('float32', pixels, [count, ...this.exampleShape]);
      const outputs = await this.session.run({ [this.inputName]: input });
      const output = outputs[this.outputName];
      try {
        if (!output || output.type !== 'float32') throw new Error(`The model's output ${this.outputName} is not float32.`);
        return output.data as Float32Array;
      } finally {
        input.dispose();
        for (const value of Object.values(outputs)) if (value !== output) value.dispose();
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Many examples in batches of `batchSize`; returns all outputs in order. */
  async runAll(pixels: Float32Array, count: number, batchSize = 32): Promise<Float32Array> {
    const size = this.exampleSize;
    let out: Float32Array | null = null;
    let perExample = 0;
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const chunk = await this.run(pixels.subarray(start * size, (start + n) * size), n);
      perExample ||= chunk.length / n;
      out ??= new Float32Array(count * perExample);
      out.set(chunk, start * perExample);
    }
    return out ?? new Float32Array(0);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.session.release();
  }
}
