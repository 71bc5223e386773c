// What turns a batch of preprocessed images into embeddings. The tfjs backbone is one
// implementation; onnxruntime-node is another (same weights, native speed).
import type { BackboneSpec } from './backbones/catalogue.js';

export type EmbedEngine = 'tfjs-tensorflow' | 'tfjs-wasm' | 'tfjs-cpu' | 'onnxruntime';

export interface Embedder {
  readonly spec: BackboneSpec;
  readonly dim: number;
  readonly engine: EmbedEngine;
  /**
   * `batch` is n x size x size x 3 scaled as spec.input.scaling; returns n x dim values.
   * `handOver`: the caller never touches `batch` again, so an embedder on another thread may take
   * its memory instead of copying it (a batch of 32 views is 19 MB).
   */
  embed(batch: Float32Array, n: number, options?: { handOver?: boolean }): Promise<Float32Array>;
  dispose(): void;
}
