// The frozen backbone on onnxruntime-node: same weights, native kernels (DESIGN.md). By default
// the session runs on its own thread (inference-thread.ts): onnxruntime-node's run is
// synchronous on the calling JavaScript thread, and the thread that embeds also decodes, warps
// and scales the next batch (issue 21). STUDIO_INFERENCE_THREAD=off runs it in-thread (for
// comparisons); STUDIO_ORT_THREADS sets its intra-op threads. On its own thread the session
// gets every core but one by default: that one decodes, warps and scales the next batch
// meanwhile (on 2 cores, 1 intra-op thread took less CPU per image than 2 and, beside
// decoding, less wall time too: bench:import, README).
import os from 'node:os';
import type { BackboneSpec } from '../backbones/catalogue.js';
import type { Embedder } from '../embedder.js';
import { OnnxRunner } from '../onnx-runner.js';
import { InferenceThread } from '../../worker/inference-thread.js';

export interface OnnxEmbedderOptions {
  threads?: number;
  /** Run the session on its own worker thread (default: yes unless STUDIO_INFERENCE_THREAD=off). */
  ownThread?: boolean;
}

/** Intra-op threads from STUDIO_ORT_THREADS, if set to a positive integer. */
export function ortThreadsFromEnv(value = process.env.STUDIO_ORT_THREADS): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function onnxEmbedder(spec: BackboneSpec, bytes: Uint8Array, dim: number, options: OnnxEmbedderOptions = {}): Promise<Embedder> {
  const ownThread = options.ownThread ?? process.env.STUDIO_INFERENCE_THREAD !== 'off';
  const threads = options.threads ?? ortThreadsFromEnv() ?? (ownThread ? Math.max(1, os.availableParallelism() - 1) : undefined);
  const runner = ownThread ? await InferenceThread.create(bytes, threads ? { threads } : {}) : await OnnxRunner.create(bytes, threads ? { threads } : {});
  return {
    spec,
    dim,
    engine: 'onnxruntime',
    embed: (batch, n, options) => (runner instanceof InferenceThread ? runner.run(batch, n, options) : runner.run(batch, n)),
    dispose: () => void runner.dispose(),
  };
}
