// Fine-tuning's forward pass (batch norm folded, 1x1 convs as matMuls, the depthwise conv as nine
// shifted multiply-adds) from cached cut activations must compute what the frozen MobileNetV2
// computes, before any training step — on real photos through the real fixture weights — and
// writing the folded weights back into the layers model (foldBack) must not change it either.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { loadBackbone, type LoadedBackbone } from '../../electron/engine/backbones/load.js';
import { cutBackbone } from '../../electron/engine/finetune/cut-backbone.js';
import { bnOf, disposeTop, findLayer, foldBack, foldTop, planTop } from '../../electron/engine/finetune/mobilenet-top.js';
import { topForward } from '../../electron/engine/finetune/top-forward.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { decodePhotos, hymenopteraFiles } from '../helpers/photos.js';

const skip = fixturesUnavailable();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.skipIf(skip)('fine-tuning forward pass at step 0', () => {
  let backbone: LoadedBackbone;
  let scaled: Float32Array;
  const count = 6;

  beforeAll(async () => {
    await initBackend('wasm');
    const spec = findBackbone('mobilenet-v2-0.35-224')!;
    backbone = await loadBackbone(fixture('models', spec.fixture!), spec);
    const raw = await decodePhotos(hymenopteraFiles(3));
    scaled = raw.map((v) => v / 127.5 - 1);
  }, 120_000);
  afterAll(() => backbone?.dispose());

  it.each([1, 2, 3])('equals the frozen backbone with %i top block(s) unfrozen (max |Δ| ≤ 1e-4)', async (blocks) => {
    const model = backbone.layersModel!;
    const plan = planTop(model, blocks);
    expect(plan.cutShape).toEqual([7, 7, 56]);
    const frozen = await backbone.embed(scaled, count);
    const cut = await cutBackbone(model, backbone.spec, plan).embed(scaled, count);
    const weights = foldTop(model, plan);
    try {
      const tuned = tf.tidy(() => topForward(tf.tensor4d(cut, [count, ...plan.cutShape]), plan, weights));
      const values = (await tuned.data()) as Float32Array;
      tuned.dispose();
      expect(values.length).toBe(count * 1280);
      // Real activations, not zeros: the comparison means something.
      expect(Math.max(...values)).toBeGreaterThan(1);
      expect(maxAbsDiff(values, frozen)).toBeLessThanOrEqual(1e-4);
    } finally {
      disposeTop(weights);
    }
  });

  it('keeps the model unchanged when the folded weights are written back', async () => {
    const model = backbone.layersModel!;
    const before = await backbone.embed(scaled, count);
    const plan = planTop(model, 3);
    const weights = foldTop(model, plan);
    // Keep the original layer weights to restore them for the other tests.
    const saved = new Map(plan.convs.flatMap((name) => [name, bnOf(name)]).map((n) => [n, findLayer(model, n)!.getWeights().map((t) => t.clone())]));
    try {
      foldBack(model, weights);
      const after = await backbone.embed(scaled, count);
      expect(maxAbsDiff(after, before)).toBeLessThanOrEqual(1e-4);
    } finally {
      for (const [name, w] of saved) findLayer(model, name)!.setWeights(w);
      disposeTop(weights);
    }
  });

  it('refuses a block count it cannot express, with the reason', () => {
    expect(() => planTop(backbone.layersModel!, 4)).toThrow(/1 to 3 top blocks/);
  });
});
