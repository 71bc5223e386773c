// Head selection by validation (head-selection.ts), the plan that decides hold-out, k-fold and
// refit (final-head.ts), and a run that refits: on synthetic embeddings built so that the right
// answer is known — linearly separable classes, and XOR-like classes no linear head can split.
import '@tensorflow/tfjs-layers';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../electron/engine/backend.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import type { Example } from '../../electron/project/examples.js';
import { planHead } from '../../electron/engine/training/final-head.js';
import { candidateConfig, headCandidates, selectHead, stratifiedFolds } from '../../electron/engine/training/head-selection.js';
import { predictCached, trainHead, type LabeledKey } from '../../electron/engine/training/head.js';
import { trainLinearHeads } from '../../electron/engine/training/linear-heads.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { fakeHash } from '../helpers/seed.js';
import { syntheticRunProject } from '../helpers/synthetic-runs.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-head-selection-');
const projects: Project[] = [];
const newProject = () => {
  const project = createProject(path.join(tmp.dir, `p${projects.length}`));
  projects.push(project);
  return project;
};
let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});
afterAll(() => {
  for (const p of projects) p.close();
  tmp.cleanup();
});

const DIM = 16;

/** n labeled vectors in a cache; `point` gives each one's values and label. */
function cached(n: number, point: (random: () => number, i: number) => { v: number[]; label: number }) {
  const cache = new EmbeddingCache(newProject().db, 'bb', DIM, 'float32');
  const random = seededRandom(7);
  const items: LabeledKey[] = [];
  const vectors = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    const { v, label } = point(random, i);
    items.push({ key: { imageHash: fakeHash(i), view: 0, specHash: 's' }, label });
    vectors.set(v, i * DIM);
  }
  cache.putMany(
    items.map((t) => t.key),
    vectors,
  );
  return { cache, items };
}

const noise = (random: () => number, scale: number) => Array.from({ length: DIM }, () => (random() - 0.5) * scale);

async function choose(data: { cache: EmbeddingCache; items: LabeledKey[] }) {
  const config = TrainConfig.parse({ seed: 3 });
  const result = await selectHead({
    dim: DIM,
    nClasses: 2,
    config,
    cache: data.cache,
    candidates: headCandidates(config, true),
    folds: stratifiedFolds(data.items, 3, 3),
    method: 'k-fold',
    keepModel: false,
  });
  return result.choice;
}

describe('head selection', () => {
  it('picks softmax regression on linearly separable classes', async () => {
    // Two classes apart along one direction, strong noise in the other dimensions and few
    // photos: a line separates them, a hidden layer's extra capacity only fits the noise.
    const choice = await choose(
      cached(100, (random, i) => {
        const label = i % 2;
        const v = noise(random, 6);
        v[0] = (label ? 1 : -1) * (0.5 + random());
        return { v, label };
      }),
    );
    expect(choice.scores.map((s) => s.candidate)).toEqual([{ kind: 'mlp', param: 128 }, { kind: 'linear', param: 1e-3 }, { kind: 'linear', param: 1e-4 }]);
    expect(choice.chosen.kind).toBe('linear');
  }, 240_000);

  it('picks the MLP on XOR-like classes', async () => {
    // The class is the sign of x0 * x1: no line separates it, a hidden layer does.
    const choice = await choose(
      cached(400, (random) => {
        const v = noise(random, 0.2);
        v[0] = random() * 2 - 1;
        v[1] = random() * 2 - 1;
        return { v: v.map((x) => x * 3), label: v[0]! * v[1]! > 0 ? 1 : 0 };
      }),
    );
    expect(choice.chosen).toEqual({ kind: 'mlp', param: 128 });
    const best = (kind: string) => Math.min(...choice.scores.filter((s) => s.candidate.kind === kind).map((s) => s.valLoss));
    expect(best('mlp')).toBeLessThan(best('linear') - 0.1);
  }, 240_000);
});

describe('softmax-regression candidates trained together', () => {
  it('gives each L2 strength the held-out probabilities and best epoch it gets trained alone', async () => {
    // Overlapping classes, so the two strengths stop at different points and differ in probabilities.
    const data = cached(120, (random, i) => {
      const label = i % 2;
      const v = noise(random, 4);
      v[0] = (label ? 1 : -1) * 0.6 + (random() - 0.5) * 2;
      return { v, label };
    });
    const [fold] = stratifiedFolds(data.items, 3, 5);
    const config = candidateConfig(TrainConfig.parse({ seed: 5 }), { kind: 'linear', param: 1e-3 });
    const l2s = [1e-1, 1e-4];
    const together = await trainLinearHeads({ dim: DIM, nClasses: 2, config, l2s, train: fold!.train, val: fold!.val, cache: data.cache });
    for (const [i, l2] of l2s.entries()) {
      const alone = await trainHead({ dim: DIM, nClasses: 2, config, l2, train: fold!.train, val: fold!.val, cache: data.cache });
      const probs = await predictCached(alone.model, data.cache, fold!.val.map((v) => v.key), 2);
      alone.model.dispose();
      expect(together[i]!.bestEpoch).toBe(alone.bestEpoch);
      const worst = Math.max(...probs.map((p, j) => Math.abs(p - together[i]!.valProbs[j]!)));
      expect(worst).toBeLessThan(1e-4);
    }
    // The strengths really differ: the test would not notice blocks mixed up otherwise.
    expect(together[0]!.valProbs).not.toEqual(together[1]!.valProbs);
  }, 120_000);
});

describe('the plan', () => {
  const example = (i: number, label: number, split: Example['split'] = 'train'): Example => ({ imageId: i, hash: fakeHash(i), paths: [], label, split });
  const config = TrainConfig.parse({});
  const ids = (set: readonly Example[]) => set.map((e) => e.imageId).sort((a, b) => a - b);

  it('scores on the validation split when the data is not small, and never trains on it', () => {
    const train = Array.from({ length: 200 }, (_, i) => example(i, i % 2));
    const val = Array.from({ length: 30 }, (_, i) => example(1000 + i, i % 2, 'val'));
    // The winner trained on every training photo already: nothing to refit.
    expect(planHead(train, val, config, null)).toEqual({ folds: [{ train, val }], method: 'validation split', refitOn: null, reused: null, search: true });
    // Small data: k folds of the training split, refit on it; the validation split stays out of both.
    const small = train.slice(0, 60);
    const k = planHead(small, val, config, null);
    expect(k.method).toBe('k-fold');
    expect(ids(k.folds.flatMap((f) => [...f.train, ...f.val]))).not.toContain(1000);
    expect(ids(k.refitOn!)).toEqual(ids(small));
  });

  it('uses 3 folds of train under 50 photos per class, a hold-out above, and refits on all of train', () => {
    const small = Array.from({ length: 60 }, (_, i) => example(i, i % 2));
    const k = planHead(small, [], config, null);
    expect(k.method).toBe('k-fold');
    expect(k.folds).toHaveLength(3);
    // Each photo is held out exactly once, and each fold trains on the others.
    expect(ids(k.folds.flatMap((f) => f.val))).toEqual(ids(small));
    for (const f of k.folds) expect(f.train.length + f.val.length).toBe(small.length);
    expect(ids(k.refitOn!)).toEqual(ids(small));
    const large = Array.from({ length: 200 }, (_, i) => example(i, i % 2));
    const h = planHead(large, [], config, null);
    expect(h.method).toBe('hold-out');
    expect(h.folds[0]!.val.length).toBe(30);
    expect(h.refitOn).toHaveLength(200);
  });

  it("reuses an earlier run's choice on a retrain unless told to select again", () => {
    const train = Array.from({ length: 60 }, (_, i) => example(i, i % 2));
    const previous = {
      runId: 7,
      latestRun: 9,
      choice: { method: 'k-fold' as const, folds: 5, chosen: { kind: 'linear' as const, param: 1e-3 }, epochs: 9, scores: [] },
    };
    const reused = planHead(train, [], config, previous);
    expect(reused).toMatchObject({ folds: [], reused: previous });
    expect(reused.refitOn).toHaveLength(60);
    expect(planHead(train, [], { ...config, headSearch: 'always' }, previous).reused).toBeNull();
    // The configured head alone: today's training, early-stopped on a hold-out, no refit.
    expect(planHead(train, [], { ...config, headSearch: 'off' }, previous)).toMatchObject({ method: 'hold-out', refitOn: null, reused: null, search: false });
    // Above 5,000 training photos: the configured head alone, as before selection.
    const large = Array.from({ length: 5001 }, (_, i) => example(i, i % 2));
    expect(planHead(large, [], config, null)).toMatchObject({ method: 'hold-out', refitOn: null, reused: null, search: false });
  });

  it('keeps the k folds stratified', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ label: i < 40 ? 0 : 1, i }));
    for (const f of stratifiedFolds(items, 5, 1)) expect(f.val.filter((v) => v.label === 1)).toHaveLength(2);
  });
});

describe('a run that selects and refits', () => {
  /** A project of `n` labeled images with cached view-0 vectors, splits set by `split`. */
  const syntheticProject = (n: number, split: (i: number) => 'train' | 'test') => syntheticRunProject(newProject(), backend, n, split);

  it('refits the winner on every training image and leaves the test split alone', async () => {
    const { project, train, headOf, valLosses } = syntheticProject(300, (i) => (i % 5 === 0 ? 'test' : 'train'));
    const config = TrainConfig.parse({ augmentViews: 0, outOfFoldK: 0, headSearch: 'always' });
    const testBefore = project.db.prepare("SELECT id FROM images WHERE split = 'test' ORDER BY id").pluck().all();
    const refit = await train(config);
    const held = await train({ ...config, refit: false });
    // 240 training images, 60 test images (every fifth); 120 per class: a 15 % hold-out.
    expect(headOf(refit.runId)).toMatchObject({ method: 'hold-out', valStage: 'selection', refitImages: 240, refitMembers: 3, reusedFrom: null });
    expect(headOf(held.runId)).toMatchObject({ method: 'hold-out', valStage: 'final', refitImages: null, refitMembers: null, refitEpochs: null });
    // The refit learned from all 240 (no validation left): 3 seeded heads, each 5 epochs past the
    // chosen ones (refit-ensemble.ts), the first one's epochs the run's curve; the other from 204, early-stopped.
    expect(headOf(refit.runId)!.refitEpochs).toBe(headOf(refit.runId)!.epochs + 5);
    expect(valLosses(refit.runId)).toHaveLength(headOf(refit.runId)!.refitEpochs!);
    expect(valLosses(refit.runId).every((v) => v === null)).toBe(true);
    expect(valLosses(held.runId).every((v) => v !== null)).toBe(true);
    // The same 36 validation images scored at the selection stage, the same 60 test images.
    expect(refit.val!.count).toBe(36);
    expect(held.val!.count).toBe(36);
    expect(refit.test!.count).toBe(60);
    expect(refit.test!.perClass.map((c) => c.support)).toEqual(held.test!.perClass.map((c) => c.support));
    expect(project.db.prepare("SELECT id FROM images WHERE split = 'test' ORDER BY id").pluck().all()).toEqual(testBefore);
  }, 180_000);

  it("trains on a hold-out whose photos' augmented views were never embedded (only the rows it reads are held in memory)", async () => {
    // headSearch off, no validation split: the head trains on 85 % of train in all views and
    // early-stops on the hold-out's view 0; the hold-out's augmented views are not embedded (and
    // this embedder embeds nothing: every view it is asked for fails and is left out).
    const { train, headOf } = syntheticProject(60, (i) => (i % 5 === 0 ? 'test' : 'train'));
    const run = await train(TrainConfig.parse({ augmentViews: 1, outOfFoldK: 0, headSearch: 'off' }));
    expect(run.val!.count).toBeGreaterThan(0);
    expect(run.test!.count).toBe(12);
    expect(headOf(run.runId)).toBeUndefined();
  }, 120_000);

  it("lets a retrain reuse the first run's choice, and gives the same weights for the same seed", async () => {
    const { train, headOf, valLosses, probs } = syntheticProject(100, (i) => (i % 5 === 0 ? 'test' : 'train'));
    const config = TrainConfig.parse({ augmentViews: 0, outOfFoldK: 0 });
    const first = await train(config);
    const retrain = await train(config);
    expect(headOf(first.runId)).toMatchObject({ method: 'k-fold', valStage: 'selection', reusedFrom: null, refitImages: 80 });
    // The retrain skips selection: the first run's winner, refit on all 80 (40 per class: k-fold) for its epochs.
    expect(headOf(retrain.runId)).toMatchObject({ reusedFrom: first.runId, valStage: 'none', refitImages: 80, chosen: headOf(first.runId)!.chosen });
    expect(retrain.val).toBeNull();
    // Same seed, same data, same path (selection, then refit): identical weights, so identical probabilities.
    const again = await train({ ...config, headSearch: 'always' });
    expect(headOf(again.runId)).toEqual(headOf(first.runId));
    expect(valLosses(again.runId)).toEqual(valLosses(first.runId));
    expect(probs(again.runId)).toEqual(probs(first.runId));
    // And a reused choice refits the same weights as the refit of the run that chose it.
    expect(probs(retrain.runId)).toEqual(probs(first.runId));
  }, 240_000);
});
