// Weight quantization in TF.js's own manifest format, so tf.loadLayersModel dequantizes on load
// with no code on the user's side: float16 halves the weights, uint8 (affine, per tensor, with
// zero exactly representable so padding and ReLU zeros stay exact) quarters them.
import type * as tf from '@tensorflow/tfjs-core';
import { toFloat16 } from '../../engine/embeddings/float16.js';
import type { WeightQuantization } from '../../domain/schemas.js';

type Entry = tf.io.WeightsManifestEntry;

const BYTES: Partial<Record<Entry['dtype'], number>> = { float32: 4, int32: 4, bool: 1 };

function byteLength(entry: Entry): number {
  const size = entry.shape.reduce((a, b) => a * b, 1);
  const bytes = entry.quantization ? (entry.quantization.dtype === 'uint8' ? 1 : 2) : BYTES[entry.dtype];
  if (bytes === undefined) throw new Error(`Weight ${entry.name} has dtype ${entry.dtype}, which cannot be exported.`);
  return size * bytes;
}

function affineUint8(values: Float32Array): { bytes: Uint8Array; min: number; scale: number } {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return { bytes: new Uint8Array(values.length), min: 0, scale: 1 };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.round(-lo / scale);
  const min = -zeroPoint * scale;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round((values[i]! - min) / scale)));
  return { bytes, min, scale };
}

export interface QuantizedWeights {
  specs: Entry[];
  data: ArrayBuffer;
}

/** Quantizes every float32 weight; other dtypes are copied as they are. */
export function quantizeWeights(specs: readonly Entry[], data: ArrayBuffer, quantization: WeightQuantization): QuantizedWeights {
  const parts: Uint8Array[] = [];
  const out: Entry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization) throw new Error(`Weight ${spec.name} is already quantized.`);
    const length = byteLength(spec);
    const bytes = new Uint8Array(data, offset, length);
    offset += length;
    if (spec.dtype !== 'float32') {
      parts.push(bytes.slice());
      out.push({ ...spec });
      continue;
    }
    const values = new Float32Array(bytes.slice().buffer);
    if (quantization === 'float16') {
      const halves = toFloat16(values);
      parts.push(new Uint8Array(halves.buffer));
      out.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      const q = affineUint8(values);
      parts.push(q.bytes);
      out.push({ ...spec, quantization: { dtype: 'uint8', min: q.min, scale: q.scale } });
    }
  }
  if (offset !== data.byteLength) throw new Error(`The weight data holds ${data.byteLength} bytes; the manifest describes ${offset}.`);
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return { specs: out, data: joined.buffer };
}
