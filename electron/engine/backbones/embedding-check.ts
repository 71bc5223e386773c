// Before an unknown network enters the model cache it has to work as a backbone: it loads, it
// takes the input size it was given, and it gives a finite embedding that tells two different
// images apart. The embedding size it reports is recorded, so later loads check against it.
import { scalePixelArray } from '../../onnx/input-scaling.js';
import type { BackboneSpec } from './catalogue.js';
import { loadBackbone } from './load.js';

/** Two synthetic probes: a mid grey and a diagonal colour gradient (raw 0..255, HWC). */
function probes(size: number): Float32Array {
  const pixels = size * size * 3;
  const raw = new Float32Array(pixels * 2);
  raw.fill(128, 0, pixels);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = pixels + (y * size + x) * 3;
      raw[i] = (255 * x) / size;
      raw[i + 1] = (255 * y) / size;
      raw[i + 2] = (255 * (x + y)) / (2 * size);
    }
  }
  return raw;
}

export class EmbeddingCheckError extends Error {}

export async function checkEmbedding(dir: string, spec: BackboneSpec): Promise<BackboneSpec> {
  const size = spec.input.size;
  let backbone;
  try {
    backbone = await loadBackbone(dir, spec);
  } catch (error) {
    throw new EmbeddingCheckError(`${spec.name} does not load as a backbone: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    let out: Float32Array;
    try {
      out = await backbone.embed(scalePixelArray(probes(size), spec.input.scaling), 2);
    } catch (error) {
      throw new EmbeddingCheckError(`${spec.name} does not take ${size}x${size} RGB images: ${error instanceof Error ? error.message : String(error)}`);
    }
    const dim = backbone.dim;
    if (!(dim > 0) || out.length !== dim * 2) throw new EmbeddingCheckError(`${spec.name} gives no per-image embedding (${out.length} values for 2 images).`);
    if (!out.every(Number.isFinite)) throw new EmbeddingCheckError(`${spec.name} gives non-finite values (NaN or infinity); check its input scaling.`);
    let differs = false;
    for (let i = 0; i < dim && !differs; i++) differs = Math.abs(out[i]! - out[dim + i]!) > 1e-6;
    if (!differs) throw new EmbeddingCheckError(`${spec.name} gives the same embedding for different images, so it cannot tell classes apart.`);
    return { ...spec, embedding: { ...spec.embedding, size: dim } };
  } finally {
    backbone.dispose();
  }
}
