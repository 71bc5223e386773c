// The export parity check's judgement on known outputs: what passes, what fails and what a
// quantized export reports, and the comparison with the run's stored predictions.
import { describe, expect, it } from 'vitest';
import { checkExportParity, type CandidateModel } from '../../electron/export/model/parity-check.js';
import type { SampleImages } from '../../electron/export/model/samples.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';

const SPEC: Preprocessing = { inputSize: 32, resizeMode: 'squash', scaling: 'minus1to1' };
const PER = 32 * 32 * 3;

function samples(count: number): SampleImages {
  const raw = Float32Array.from({ length: count * PER }, (_, i) => (i * 37) % 256);
  return { count, raw, images: Array.from({ length: count }, (_, i) => ({ imageId: i + 1, path: `/p/${i}.jpg` })), split: 'val', unreadable: 0 };
}

/** A two-class "model": softmax of the mean and minus the mean of the scaled pixels. */
function probsOf(values: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * 2);
  for (let n = 0; n < count; n++) {
    let mean = 0;
    for (let i = 0; i < PER; i++) mean += values[n * PER + i]! / PER;
    const e = Math.exp(2 * mean);
    out[n * 2] = e / (e + 1);
    out[n * 2 + 1] = 1 / (e + 1);
  }
  return out;
}

const reference = async (scaled: Float32Array, count: number) => probsOf(scaled, count);
const candidate = (shift: (p: Float32Array) => Float32Array): CandidateModel => ({
  runtime: 'test',
  predict: async (raw, count) => shift(probsOf(Float32Array.from(raw, (x) => x / 127.5 - 1), count)),
  dispose: () => undefined,
});

describe('export parity check', () => {
  it('passes an export that reproduces the studio, with the scaling applied on each side', async () => {
    const p = await checkExportParity({ reference, candidate: candidate((x) => x), samples: samples(5), preprocessing: SPEC, classes: 2, quantization: null, stored: null, batchSize: 2 });
    expect(p).toMatchObject({ examples: 5, passed: true, judged: true, top1Agreement: 1, split: 'val', runtime: 'test' });
    expect(p.maxAbs!).toBeLessThan(1e-6);
    expect(p.images.map((i) => i.imageId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails a drift beyond 1e-4, and a NaN, and lets a quantized export report its drop', async () => {
    const drift = await checkExportParity({ reference, candidate: candidate((x) => x.map((v, i) => v + (i % 2 ? -2e-4 : 2e-4))), samples: samples(3), preprocessing: SPEC, classes: 2, quantization: null, stored: null });
    expect(drift).toMatchObject({ passed: false, judged: true, top1Agreement: 1 });
    expect(drift.maxAbs!).toBeCloseTo(2e-4, 6);
    const nan = await checkExportParity({ reference, candidate: candidate((x) => x.map((v, i) => (i === 3 ? Number.NaN : v))), samples: samples(3), preprocessing: SPEC, classes: 2, quantization: null, stored: null });
    expect(nan).toMatchObject({ passed: false, maxAbs: null });
    const quantized = await checkExportParity({ reference, candidate: candidate((x) => x.map((v, i) => v + (i % 2 ? -0.01 : 0.01))), samples: samples(3), preprocessing: SPEC, classes: 2, quantization: 'uint8', stored: null });
    expect(quantized).toMatchObject({ passed: false, judged: false, quantization: 'uint8' });
  });

  it('compares with the stored predictions where the run has them', async () => {
    const count = 4;
    const stored = probsOf(Float32Array.from(samples(count).raw, (x) => x / 127.5 - 1), count);
    stored.fill(Number.NaN, 2, 4);
    stored[0]! += 0.001;
    const p = await checkExportParity({ reference, candidate: candidate((x) => x), samples: samples(count), preprocessing: SPEC, classes: 2, quantization: null, stored });
    expect(p.stored).toMatchObject({ compared: 3, top1Agreement: 1 });
    expect(p.stored!.maxAbs).toBeCloseTo(0.001, 5);
  });

  it('refuses to judge an export without images or with the wrong number of outputs', async () => {
    await expect(checkExportParity({ reference, candidate: candidate((x) => x), samples: samples(0), preprocessing: SPEC, classes: 2, quantization: null, stored: null })).rejects.toThrow(/no readable images/);
    await expect(checkExportParity({ reference, candidate: candidate((x) => x.slice(0, 3)), samples: samples(2), preprocessing: SPEC, classes: 2, quantization: null, stored: null })).rejects.toThrow(/gives 1\.5 values per image; the run has 2 classes/);
  });
});
