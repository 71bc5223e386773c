// One-click training through runTraining on a real project: a hymenoptera subset with the
// MobileNetV2-0.35 backbone, scored on photos it never saw (the hymenoptera val folder as the
// test split, which early stopping never looks at). Checks what a run leaves behind: metrics,
// per-epoch history, predictions for every image, and a saved head that predicts the same.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { loadBackbone, type LoadedBackbone } from '../../electron/engine/backbones/load.js';
import { EmbeddingCache, specHash } from '../../electron/engine/embeddings/cache.js';
import { fromDisk } from '../../electron/engine/model-files.js';
import { LINEAR_L2, SELECTION_FOLDS } from '../../electron/engine/training/head-selection.js';
import { runTraining, type TrainPhase, type TrainResult } from '../../electron/engine/training/run.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import type { Project } from '../../electron/project/project.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const skip = fixturesUnavailable();
if (skip) console.warn(`[train-run] skipped: ${skip}`);

const PER_CLASS = 40;

describe.skipIf(skip)('a training run on hymenoptera', () => {
  const tmp = tempDir('studio-train-run-');
  const spec = findBackbone('mobilenet-v2-0.35-224')!;
  const config = TrainConfig.parse({ augmentViews: 1 });
  let backend: BackendInfo;
  let backbone: LoadedBackbone;
  let project: Project;
  let run: TrainResult;
  const phases = new Set<TrainPhase>();
  const epochs: number[] = [];

  const train = () =>
    runTraining({
      db: project.db,
      projectDir: project.dir,
      embedder: backbone,
      backbone: spec,
      backend,
      config,
      settings: readSettings(project.db),
      hooks: { progress: (phase) => phases.add(phase), epoch: (_run, stats) => epochs.push(stats.epoch) },
    });

  beforeAll(async () => {
    backend = await initBackend('wasm');
    backbone = await loadBackbone(fixture('models', spec.fixture!), spec);
    project = fixtureProject(path.join(tmp.dir, 'project'), fixture('datasets', 'hymenoptera'), {
      splits: { train: 'train', val: 'test' },
      limitPerClass: PER_CLASS,
    });
    run = await train();
  }, 300_000);
  afterAll(() => {
    project?.close();
    backbone?.dispose();
    tmp.cleanup();
  });

  it('beats chance clearly on held-out photos', () => {
    expect(run.classes.names).toEqual(['ants', 'bees']);
    expect(run.test!.count).toBe(2 * PER_CLASS);
    // Chance is 0.5; 0.8 of 80 photos is more than 5 standard deviations above it.
    expect(run.test!.accuracy).toBeGreaterThanOrEqual(0.8);
    // Under 50 photos per class: the head is chosen by k-fold, so every training photo has a
    // selection-stage (out-of-fold) score, and the winner is refit on all of them.
    expect(run.val!.count).toBe(2 * PER_CLASS);
    // Every labeled photo once, and every training photo (the refit uses them all) in one augmented view.
    expect(run.embedded).toEqual({ computed: 4 * PER_CLASS + 2 * PER_CLASS, cached: 0, failed: 0 });
  });

  it('records metrics, the epoch history and the phases', () => {
    const row = project.db.prepare('SELECT status, backend, embed_engine AS engine, metrics, error FROM runs WHERE id = ?').get(run.runId) as {
      status: string;
      backend: string;
      engine: string;
      metrics: string;
      error: string | null;
    };
    expect(row).toMatchObject({ status: 'done', backend: 'wasm', engine: 'tfjs-wasm', error: null });
    const metrics = JSON.parse(row.metrics) as {
      val: { accuracy: number };
      test: { accuracy: number; confusion: number[][] };
      bestEpoch: number;
      head: { method: string; folds: number; valStage: string; refitImages: number; epochs: number; chosen: { kind: string }; scores: Array<{ candidate: { kind: string }; valLoss: number }> };
    };
    expect(metrics.head).toMatchObject({ method: 'k-fold', folds: SELECTION_FOLDS, valStage: 'selection', refitImages: 2 * PER_CLASS, reusedFrom: null });
    // The configured MLP first (it keeps ties), then softmax regression.
    expect(metrics.head.scores.map((s) => s.candidate)).toEqual([{ kind: 'mlp', param: 128 }, ...LINEAR_L2.map((l2) => ({ kind: 'linear', param: l2 }))]);
    const chosen = metrics.head.scores.find((s) => JSON.stringify(s.candidate) === JSON.stringify(metrics.head.chosen))!;
    // A challenger only wins with a lower held-out loss than the default's.
    expect(chosen.valLoss).toBeLessThanOrEqual(metrics.head.scores[0]!.valLoss);
    // The refit: 3 seeded heads merged into one, each 5 epochs past the chosen ones (refit-ensemble.ts).
    expect(metrics.head).toMatchObject({ refitMembers: 3, refitEpochs: metrics.head.epochs + 5 });
    expect(metrics.bestEpoch).toBe(metrics.head.epochs + 5);
    expect(metrics.test.accuracy).toBe(run.test!.accuracy);
    expect(metrics.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(2 * PER_CLASS);
    expect(metrics.bestEpoch).toBeGreaterThanOrEqual(1);
    for (const split of [run.val!, run.test!]) {
      expect(split.perClass.map((c) => c.name)).toEqual(['ants', 'bees']);
      for (const c of split.perClass) for (const v of [c.precision, c.recall, c.f1]) expect(v).toBeGreaterThanOrEqual(0);
      const losses = split.topLosses.map((t) => t.loss);
      expect(losses).toEqual([...losses].sort((a, b) => b - a));
    }
    const history = project.db.prepare('SELECT epoch, train_loss AS trainLoss, val_loss AS valLoss FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(run.runId) as Array<{
      epoch: number;
      trainLoss: number;
      valLoss: number | null;
    }>;
    expect(history.map((h) => h.epoch)).toEqual(epochs);
    expect(history).toHaveLength(run.epochs);
    expect(run.bestEpoch).toBeLessThanOrEqual(run.epochs);
    // The refit's epochs: no validation loss (it trains on every training photo).
    expect(history[0]!.trainLoss).toBeGreaterThanOrEqual(history.at(-1)!.trainLoss);
    expect(history.every((h) => h.valLoss === null)).toBe(true);
    // The k-fold selection shows as its own phase before the refit's epochs.
    // In that order of first appearance: the job tray never shows 'training' before the choice.
    const stages = ['embedding', 'choosing head', 'training', 'evaluating', 'saving'];
    expect([...phases].filter((p) => stages.includes(p))).toEqual(stages);
  });

  it('predicts every image with probabilities', () => {
    const rows = project.db.prepare('SELECT image_id AS imageId, class_id AS classId, confidence, probs FROM predictions WHERE run_id = ?').all(run.runId) as Array<{
      imageId: number;
      classId: number;
      confidence: number;
      probs: Buffer;
    }>;
    expect(rows).toHaveLength(4 * PER_CLASS);
    for (const r of rows) {
      const probs = new Float32Array(r.probs.buffer.slice(r.probs.byteOffset, r.probs.byteOffset + r.probs.byteLength));
      expect(probs).toHaveLength(2);
      expect(probs[0]! + probs[1]!).toBeCloseTo(1, 5);
      expect(r.confidence).toBeCloseTo(Math.max(...probs), 5);
      expect(run.classes.ids).toContain(r.classId);
    }
  });

  it('saves a head that loads and predicts what the run stored', async () => {
    const stored = project.db.prepare('SELECT path, labels, preprocessing FROM models WHERE run_id = ?').get(run.runId) as { path: string; labels: string; preprocessing: string };
    const dir = path.join(project.dir, stored.path);
    expect(fs.readdirSync(dir).sort()).toEqual(['labels.json', 'model.json', 'preprocessing.json', 'weights.bin']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8'))).toEqual(['ants', 'bees']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'preprocessing.json'), 'utf8'))).toEqual({ ...JSON.parse(stored.preprocessing), backboneId: spec.id });

    const head = await tfl.loadLayersModel(fromDisk(dir));
    try {
      const images = project.db.prepare('SELECT i.hash, p.probs FROM images i JOIN predictions p ON p.image_id = i.id AND p.run_id = ? ORDER BY i.id LIMIT 10').all(run.runId) as Array<{
        hash: string;
        probs: Buffer;
      }>;
      const settings = readSettings(project.db);
      const key = specHash(JSON.parse(stored.preprocessing), 0, settings.augmentation, config.seed);
      const vectors = new EmbeddingCache(project.db, spec.id, backbone.dim).readBatch(images.map((i) => ({ imageHash: i.hash, view: 0, specHash: key })));
      const probs = tf.tidy(() => head.predict(tf.tensor2d(vectors, [images.length, backbone.dim])) as tf.Tensor);
      const values = (await probs.data()) as Float32Array;
      probs.dispose();
      images.forEach((image, i) => {
        const expected = new Float32Array(image.probs.buffer.slice(image.probs.byteOffset, image.probs.byteOffset + image.probs.byteLength));
        expect(values[i * 2]!).toBeCloseTo(expected[0]!, 5);
        expect(values[i * 2 + 1]!).toBeCloseTo(expected[1]!, 5);
      });
    } finally {
      head.dispose();
    }
  });

  it('retrains from the cache alone, reusing the head chosen, and with the same seed gives the same model', async () => {
    const again = await train();
    const head = (id: number) => (JSON.parse(project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(id) as string) as { head: { reusedFrom: number | null; chosen: unknown } }).head;
    expect(head(again.runId)).toMatchObject({ reusedFrom: run.runId, chosen: head(run.runId).chosen });
    expect(again.embedded).toEqual({ computed: 0, cached: run.embedded.computed, failed: 0 });
    expect(again.epochs).toBe(run.epochs);
    expect(again.test!.accuracy).toBe(run.test!.accuracy);
    const probs = (id: number) => (project.db.prepare('SELECT probs FROM predictions WHERE run_id = ? ORDER BY image_id').pluck().all(id) as Buffer[]).map((b) => b.toString('hex'));
    expect(probs(again.runId)).toEqual(probs(run.runId));
  }, 240_000);
});
