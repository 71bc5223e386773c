// Fine-tuning the top MobileNetV2 blocks on wasm, on real hymenoptera photos and the real
// fixture weights: training is reproducible (same seed → identical weights, another seed →
// different ones), a cancel stops it at the next batch, and a fine-tuned run stores its blocks,
// predicts new images through them, and exports (TF.js, Teachable Machine, ONNX) that pass the
// same parity checks as a frozen run's.
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../electron/domain/result.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { initBackend } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { loadBackbone, type LoadedBackbone } from '../../electron/engine/backbones/load.js';
import { EmbeddingCache, specHash } from '../../electron/engine/embeddings/cache.js';
import { embedItems } from '../../electron/engine/embeddings/pipeline.js';
import { cutBackbone } from '../../electron/engine/finetune/cut-backbone.js';
import { disposeTop, foldTop, planTop, type FoldedTop } from '../../electron/engine/finetune/mobilenet-top.js';
import { trainTop } from '../../electron/engine/finetune/train-top.js';
import { tunedCacheId } from '../../electron/engine/finetune/fine-tune-run.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { readSettings } from '../../electron/project/settings.js';
import { readTunedTop } from '../../electron/engine/finetune/tuned-files.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';
import { buildHead } from '../../electron/engine/training/head.js';
import { loadRunModel, predictImages } from '../../electron/engine/training/predict-images.js';
import { exportModel } from '../../electron/export/model/export-model.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { hymenopteraFiles } from '../helpers/photos.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedProject, type TrainedProject } from '../helpers/trained-project.js';

const skip = fixturesUnavailable();

async function values(top: FoldedTop): Promise<Float32Array[]> {
  return Promise.all([...top.values()].flatMap((w) => [w.kernel.data() as Promise<Float32Array>, w.bias.data() as Promise<Float32Array>]));
}

describe.skipIf(skip)('fine-tuning the top blocks', () => {
  const tmp = tempDir('studio-finetune-');
  let backbone: LoadedBackbone;
  let project: Project;
  let cache: EmbeddingCache;
  let initial: FoldedTop;
  const spec = findBackbone('mobilenet-v2-0.35-224')!;
  const preprocessing = { inputSize: 224, resizeMode: 'squash' as const, scaling: 'minus1to1' as const };
  const files = hymenopteraFiles(8, 'train');
  const keys = files.map((f, i) => ({ key: { imageHash: `img${String(i).padStart(3, '0')}`, view: 0, specHash: specHash(preprocessing, 0, { flipHorizontal: false, flipVertical: false, rotationDeg: 0, zoom: 0, brightness: 0, contrast: 0, saturation: 0, views: 0 }, 0) }, label: f.includes('/bees/') ? 1 : 0 }));

  beforeAll(async () => {
    await initBackend('wasm');
    backbone = await loadBackbone(fixture('models', spec.fixture!), spec);
    project = createProject(path.join(tmp.dir, 'p'));
    const plan = planTop(backbone.layersModel!, 1);
    cache = new EmbeddingCache(project.db, 'cut-test', 7 * 7 * 56);
    await embedItems(
      keys.map((k, i) => ({ key: k.key, paths: [files[i]!], augment: IDENTITY })),
      { embedder: cutBackbone(backbone.layersModel!, spec, plan), cache, preprocessing },
    );
    initial = foldTop(backbone.layersModel!, plan);
  }, 180_000);
  afterAll(() => {
    if (initial) disposeTop(initial);
    backbone?.dispose();
    project?.close();
    tmp.cleanup();
  });

  const train = async (seed: number, extra: { epochs?: number; checkpoint?: () => void; onBatch?: (epoch: number, batch: number) => void } = {}) => {
    const config = TrainConfig.parse({ seed, hiddenUnits: 16, patience: 0, batchSize: 8 });
    const head = buildHead(1280, 2, config);
    try {
      const tuned = await trainTop({
        plan: planTop(backbone.layersModel!, 1),
        initial,
        head,
        config,
        nClasses: 2,
        train: keys.slice(0, 12),
        val: keys.slice(12),
        cache,
        epochs: extra.epochs ?? 2,
        learningRate: 1e-3,
        ...(extra.checkpoint ? { checkpoint: extra.checkpoint } : {}),
        ...(extra.onBatch ? { onBatch: extra.onBatch } : {}),
      });
      const out = { top: await values(tuned.weights), head: await Promise.all(head.getWeights().map((w) => w.data() as Promise<Float32Array>)), history: tuned.history };
      disposeTop(tuned.weights);
      return out;
    } finally {
      head.dispose();
    }
  };

  it('gives identical weights for the same seed, different ones for another, and really trains the blocks', async () => {
    const a = await train(7);
    const b = await train(7);
    const c = await train(8);
    const frozen = await values(initial);
    expect(a.history).toHaveLength(2);
    a.top.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b.top[i]!.buffer)), `block weight ${i}`).toBe(true));
    a.head.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b.head[i]!.buffer)), `head weight ${i}`).toBe(true));
    expect(a.top.some((w, i) => !Buffer.from(w.buffer).equals(Buffer.from(c.top[i]!.buffer)))).toBe(true);
    // Every tuned conv moved away from the frozen (folded) weights.
    expect(a.top.filter((w, i) => !Buffer.from(w.buffer).equals(Buffer.from(frozen[i]!.buffer)))).toHaveLength(frozen.length);
  }, 300_000);

  it('stops at the next batch when cancelled', async () => {
    let cancelledAt = 0;
    let batchesAfter = 0;
    const checkpoint = () => {
      if (cancelledAt) throw new StudioError('cancelled', 'Cancelled.');
    };
    const run = train(7, {
      epochs: 1000,
      checkpoint,
      onBatch: (epoch) => {
        if (cancelledAt) batchesAfter++;
        else if (epoch === 2) cancelledAt = Date.now();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    // How soon is printed, not asserted (a busy machine must stay green); behaviour: no batch ran after it.
    console.log(`[finetune] cancel took effect ${Date.now() - cancelledAt} ms after the request`);
    expect(batchesAfter).toBe(0);
    expect(tf.memory().numTensors).toBeLessThan(1000);
  }, 300_000);
});

describe.skipIf(skip)('a fine-tuned run', () => {
  const tmp = tempDir('studio-finetune-run-');
  let t: TrainedProject;
  const request = () => ({ db: t.project.db, projectDir: t.project.dir, modelCacheDir: t.cache });

  beforeAll(async () => {
    t = await trainedProject(tmp.dir, { perClass: 8, config: { epochs: 3, fineTuneBlocks: 1, fineTuneEpochs: 2, fineTuneLearningRate: 1e-3, patience: 0 } });
  }, 600_000);
  afterAll(() => {
    t?.project.close();
    tmp.cleanup();
  });

  it('stores its tuned blocks and predicts new images through them as it evaluated', async () => {
    const modelDir = path.join(t.project.dir, 'models', `run-${t.run.runId}`);
    expect(fs.existsSync(path.join(modelDir, 'fine-tune.json'))).toBe(true);
    const saved = readTunedTop(modelDir)!;
    expect(saved.record).toMatchObject({ blocks: 1, cutLayer: 'block_16_expand', convs: ['block_16_expand', 'block_16_depthwise', 'block_16_project', 'Conv_1'] });
    disposeTop(saved.weights);
    const metrics = JSON.parse(t.project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(t.run.runId) as string) as { fineTune: { blocks: number; epochs: number } };
    expect(metrics.fineTune).toMatchObject({ blocks: 1, epochs: 2 });

    const model = await loadRunModel(t.project.db, t.project.dir, t.run.runId, t.cache);
    try {
      expect(model.backbone).not.toBeNull();
      const rows = t.project.db
        .prepare('SELECT p.probs, ip.path FROM predictions p JOIN image_paths ip ON ip.image_id = p.image_id WHERE p.run_id = ? ORDER BY p.image_id LIMIT 4')
        .all(t.run.runId) as Array<{ probs: Buffer; path: string }>;
      expect(rows.length).toBe(4);
      const fresh = await predictImages(model, model.backbone!, rows.map((r) => r.path));
      rows.forEach((r, i) => {
        const stored = new Float32Array(r.probs.buffer.slice(r.probs.byteOffset, r.probs.byteOffset + r.probs.byteLength));
        // The run evaluated from float16-cached activations; a fresh prediction starts from pixels.
        stored.forEach((p, c) => expect(Math.abs(p - fresh[i]!.probs![c]!)).toBeLessThan(2e-2));
      });
      // …and the tuned blocks matter: the frozen backbone under the same head answers otherwise.
      const frozen = await loadBackbone(path.join(t.cache, 'mobilenet-v2-0.35-224'), findBackbone('mobilenet-v2-0.35-224')!);
      try {
        const plain = await predictImages(model, frozen, rows.map((r) => r.path));
        const gap = Math.max(...plain.flatMap((p, i) => Array.from(p.probs!, (v, c) => Math.abs(v - fresh[i]!.probs![c]!))));
        console.log(`[finetune] tuned vs frozen blocks under the tuned head: max|Δp| ${gap.toExponential(2)}`);
        expect(gap).toBeGreaterThan(2e-2);
      } finally {
        frozen.dispose();
      }
    } finally {
      model.head.dispose();
      model.backbone?.dispose();
    }
  });

  it('drops the tuned embeddings of blocks it does not keep, and keeps those of blocks it keeps', async () => {
    const spec = findBackbone('mobilenet-v2-0.35-224')!;
    const backboneDir = path.join(t.cache, spec.id);
    const backbone = await loadBackbone(backboneDir, spec);
    const tunedRows = (runId: number) => t.project.db.prepare('SELECT count(*) FROM embeddings WHERE backbone_id = ?').pluck().get(tunedCacheId(spec.id, runId)) as number;
    try {
      // A step too small to move the stop-set loss by the 1e-4 an epoch must gain: no
      // fine-tuning epoch beats the frozen blocks, so the run drops them.
      const config = TrainConfig.parse({ epochs: 3, augmentViews: 0, outOfFoldK: 0, fineTuneBlocks: 1, fineTuneEpochs: 1, fineTuneLearningRate: 1e-7 });
      const dropped = await runTraining({ db: t.project.db, projectDir: t.project.dir, embedder: backbone, backbone: spec, backboneDir, backend: await initBackend('wasm'), config, settings: readSettings(t.project.db) });
      const metrics = JSON.parse(t.project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(dropped.runId) as string) as { fineTune: { kept: boolean } };
      expect(metrics.fineTune.kept).toBe(false);
      expect(fs.existsSync(path.join(t.project.dir, 'models', `run-${dropped.runId}`, 'fine-tune.json'))).toBe(false);
      expect(tunedRows(dropped.runId)).toBe(0);
      // The kept run's tuned embeddings stay: its evaluation and predictions were read from them.
      expect(tunedRows(t.run.runId)).toBeGreaterThan(0);
    } finally {
      backbone.dispose();
    }
  }, 600_000);

  it.each(['tfjs', 'teachable', 'onnx'] as const)('exports %s with the tuned blocks, passing parity', async (format) => {
    const r = await exportModel({ ...request(), format, sampleCount: 8 });
    console.log(`[finetune] ${format}: max|Δp| ${r.parity!.maxAbs?.toExponential(2)}, top-1 ${r.parity!.top1Agreement}, vs stored ${r.parity!.stored?.maxAbs.toExponential(2)}`);
    expect(r.parity).toMatchObject({ judged: true, passed: true, top1Agreement: 1 });
    // The export carries the tuned blocks: it agrees with the run's stored (fine-tuned) predictions.
    expect(r.parity!.stored!.maxAbs).toBeLessThan(2e-2);
  }, 300_000);
});
