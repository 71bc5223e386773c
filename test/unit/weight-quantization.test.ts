// Weight quantization in TF.js's manifest format, read back by tfjs's own decoder.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { quantizeWeights } from '../../electron/export/tfjs/quantize.js';

const specs: tf.io.WeightsManifestEntry[] = [
  { name: 'conv/kernel', shape: [3, 3, 2, 4], dtype: 'float32' },
  { name: 'steps', shape: [2], dtype: 'int32' },
  { name: 'bn/beta', shape: [5], dtype: 'float32' },
];

function data(): { buffer: ArrayBuffer; kernel: Float32Array; beta: Float32Array } {
  const kernel = Float32Array.from({ length: 72 }, (_, i) => Math.sin(i) * 0.8 - 0.1);
  kernel[5] = 0;
  const steps = Int32Array.from([7, -3]);
  const beta = Float32Array.from([0.5, -2, 3, 0, 1e-3]);
  const out = new Uint8Array(72 * 4 + 8 + 20);
  out.set(new Uint8Array(kernel.buffer), 0);
  out.set(new Uint8Array(steps.buffer), 288);
  out.set(new Uint8Array(beta.buffer), 296);
  return { buffer: out.buffer, kernel, beta };
}

const maxError = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));

describe('weight quantization', () => {
  it('float16 halves float32 weights, leaves int32 alone, and tfjs decodes it', async () => {
    const { buffer, kernel, beta } = data();
    const q = quantizeWeights(specs, buffer, 'float16');
    expect(q.data.byteLength).toBe(72 * 2 + 8 + 10);
    expect(q.specs.map((s) => s.quantization?.dtype ?? null)).toEqual(['float16', null, 'float16']);
    const decoded = tf.io.decodeWeights(q.data, q.specs);
    expect(maxError(await decoded['conv/kernel']!.data(), kernel)).toBeLessThan(1e-3);
    expect(Array.from(await decoded['steps']!.data())).toEqual([7, -3]);
    expect(maxError(await decoded['bn/beta']!.data(), beta)).toBeLessThan(2e-3);
  });

  it('uint8 quarters them with zero exactly representable', async () => {
    const { buffer, kernel } = data();
    const q = quantizeWeights(specs, buffer, 'uint8');
    expect(q.data.byteLength).toBe(72 + 8 + 5);
    const decoded = tf.io.decodeWeights(q.data, q.specs);
    const k = await decoded['conv/kernel']!.data();
    expect(k[5]).toBe(0);
    const { scale } = q.specs[0]!.quantization!;
    expect(scale).toBeCloseTo((Math.max(...kernel) - Math.min(...kernel)) / 255, 6);
    // Rounding plus the shift that makes zero exact: at most one step.
    expect(maxError(k, kernel)).toBeLessThanOrEqual(scale! + 1e-7);
    expect((await decoded['bn/beta']!.data())[3]).toBe(0);
  });

  it('refuses data that does not match its manifest', () => {
    expect(() => quantizeWeights(specs, new ArrayBuffer(400), 'float16')).toThrow(/holds 400 bytes; the manifest describes 316/);
  });
});
