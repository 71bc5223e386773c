// The frozen backbone on onnxruntime-node: same weights, native kernels (DESIGN.md).
import type { BackboneSpec } from '../backbones/catalogue.js';
import type { Embedder } from '../embedder.js';
import { OnnxRunner } from '../onnx-runner.js';

export async function onnxEmbedder(spec: BackboneSpec, bytes: Uint8Array, dim: number, threads?: number): Promise<Embedder> {
  const runner = await OnnxRunner.create(bytes, threads ? { threads } : {});
  return {
    spec,
    dim,
    engine: 'onnxruntime',
    embed: (batch, n) => runner.run(batch, n),
    dispose: () => void runner.dispose(),
  };
}
