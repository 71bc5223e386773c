// Head selection by validation (head-selection.ts), the plan that decides hold-out, k-fold and
// refit (final-head.ts), and a run that refits: on synthetic embeddings built so that the right
// answer is known — linearly separable classes, and XOR-like classes no linear head can split.
import '@tensorflow/tfjs-layers';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { EmbeddingCache, specHash, type CacheKey } from '../../electron/engine/embeddings/cache.js';
import { seededRandom } from '../../electron/engine/images/random.js';
import type { Example } from '../../electron/engine/training/examples.js';
import { planHead } from '../../electron/engine/training/final-head.js';
import { trainHeadGroup } from '../../electron/engine/training/head-group.js';
import { selectHead, stratifiedFolds } from '../../electron/engine/training/head-selection.js';
import type { LabeledKey } from '../../electron/engine/training/head.js';
import { holdOutValidation } from '../../electron/engine/training/holdout.js';
import { runPreprocessing, runTraining } from '../../electron/engine/training/run.js';
import { TrainConfig } from '../../electron/ipc/schemas.js';
import { createClass } from '../../electron/project/classes.js';
import { insertImage } from '../../electron/project/images.js';
import { applyLabels } from '../../electron/project/labels.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { readSettings, updateSettings } from '../../electron/project/settings.js';
import { fakeHash } from '../helpers/seed.js';
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
  const result = await selectHead({ dim: DIM, nClasses: 2, config, cache: data.cache, folds: [holdOutValidation(data.items, 3)], trainImages: data.items.length, method: 'hold-out', keepModel: false });
  return result.choice;
}

describe('head selection', () => {
  it('picks softmax regression on linearly separable classes', async () => {
    // Two classes apart along one direction (a margin of 1.2), strong noise in the other 15
    // dimensions and few photos: a line separates them, extra capacity only fits the noise.
    const choice = await choose(
      cached(160, (random, i) => {
        const label = i % 2;
        const v = noise(random, 4);
        v[0] = (label ? 1 : -1) * (0.6 + random());
        return { v, label };
      }),
    );
    expect(choice.chosen.kind).toBe('linear');
    expect(choice.scores).toHaveLength(5);
  }, 120_000);

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
    expect(choice.chosen.kind).toBe('mlp');
    const best = (kind: string) => Math.min(...choice.scores.filter((s) => s.candidate.kind === kind).map((s) => s.valLoss));
    expect(best('mlp')).toBeLessThan(best('linear') - 0.1);
  }, 120_000);

  it('trains the same weights from the same seed', async () => {
    const data = cached(200, (random, i) => ({ v: noise(random, 2).map((x, d) => x + (d === i % 2 ? 1 : 0)), label: i % 2 }));
    const config = TrainConfig.parse({ seed: 5, epochs: 6 });
    const members = [
      { config: { ...config, hiddenUnits: 0, dropout: 0 }, l2: 1e-3 },
      { config: { ...config, hiddenUnits: 8 }, l2: 0 },
    ];
    const weights = async () => {
      const heads = await trainHeadGroup({ dim: DIM, nClasses: 2, config, members, train: data.items.slice(0, 150), val: data.items.slice(150), cache: data.cache });
      const values = heads.map((h) => h.model.getWeights().map((w) => Array.from(w.dataSync())));
      heads.forEach((h) => h.model.dispose());
      return values;
    };
    expect(await weights()).toEqual(await weights());
  }, 120_000);
});

describe('the plan', () => {
  const example = (i: number, label: number, split: Example['split'] = 'train'): Example => ({ imageId: i, hash: fakeHash(i), paths: [], label, split });
  const config = TrainConfig.parse({});

  it('scores on the validation split when the project has one, and does not refit', () => {
    const train = Array.from({ length: 40 }, (_, i) => example(i, i % 2));
    const val = Array.from({ length: 10 }, (_, i) => example(100 + i, i % 2, 'val'));
    const plan = planHead(train, val, config);
    expect(plan).toMatchObject({ method: 'validation split', refit: false });
    expect(plan.folds).toEqual([{ train, val }]);
  });

  it('uses k folds under 50 photos per class, a hold-out above, and refits on every training photo', () => {
    const small = Array.from({ length: 60 }, (_, i) => example(i, i % 2));
    const k = planHead(small, [], config);
    expect(k).toMatchObject({ method: 'k-fold', refit: true });
    expect(k.folds).toHaveLength(5);
    // Each photo is held out exactly once, and each fold trains on the others.
    expect(k.folds.flatMap((f) => f.val.map((e) => e.imageId)).sort((a, b) => a - b)).toEqual(small.map((e) => e.imageId));
    for (const f of k.folds) expect(f.train.length + f.val.length).toBe(small.length);
    const large = Array.from({ length: 200 }, (_, i) => example(i, i % 2));
    const h = planHead(large, [], config);
    expect(h).toMatchObject({ method: 'hold-out', refit: true });
    expect(h.folds[0]!.val.length).toBe(30);
    expect(planHead(large, [], { ...config, refit: false }).refit).toBe(false);
  });

  it('keeps the k folds stratified', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ label: i < 40 ? 0 : 1, i }));
    for (const f of stratifiedFolds(items, 5, 1)) expect(f.val.filter((v) => v.label === 1)).toHaveLength(2);
  });
});

describe('a run that refits', () => {
  /** A project of `n` labeled images with cached view-0 vectors, splits set by `split`. */
  function syntheticProject(n: number, split: (i: number) => 'train' | 'test') {
    const project = newProject();
    const spec = findBackbone('mobilenet-v2-0.35-224')!;
    updateSettings(project.db, { split: { train: 1, val: 0, test: 0, seed: 1 } });
    const settings = readSettings(project.db);
    const classIds = [0, 1].map((c) => createClass(project.db, { name: `c${c}` }).id);
    const cache = new EmbeddingCache(project.db, spec.id, DIM);
    const hash = specHash(runPreprocessing(spec, settings), 0, settings.augmentation, 42);
    const random = seededRandom(9);
    const keys: CacheKey[] = [];
    const vectors = new Float32Array(n * DIM);
    for (let i = 0; i < n; i++) {
      const { id } = insertImage(project.db, { hash: fakeHash(i), path: `/synthetic/${i}.jpg`, byteSize: 1, width: 8, height: 8, format: 'jpeg', split: split(i) });
      applyLabels(project.db, [id], classIds[i % 2]!, { source: 'import' });
      vectors.set(noise(random, 2).map((x, d) => x + (d === i % 2 ? 1.5 : 0)), i * DIM);
      keys.push({ imageHash: fakeHash(i), view: 0, specHash: hash });
    }
    cache.putMany(keys, vectors);
    const embedder: Embedder = { spec, dim: DIM, engine: 'tfjs-wasm', embed: () => Promise.reject(new Error('served from the cache')), dispose: () => undefined };
    const train = (config: TrainConfig) => runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config, settings });
    return { project, train };
  }

  it('refits the winner on every training image and leaves the test split alone', async () => {
    const { project, train } = syntheticProject(300, (i) => (i % 5 === 0 ? 'test' : 'train'));
    const headOf = (runId: number) =>
      (JSON.parse(project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(runId) as string) as { head: { refitImages: number | null; valStage: string; method: string; epochs: number } }).head;
    const config = TrainConfig.parse({ augmentViews: 0, outOfFoldK: 0 });
    const refit = await train(config);
    const held = await train({ ...config, refit: false });
    // 240 training images, 60 test images (every fifth).
    expect(headOf(refit.runId)).toMatchObject({ method: 'hold-out', valStage: 'selection', refitImages: 240 });
    expect(headOf(held.runId)).toMatchObject({ method: 'hold-out', valStage: 'final', refitImages: null });
    // The refit learned from all 240 (its epochs have no validation); the other from 204.
    const epochs = (runId: number) => project.db.prepare('SELECT val_loss FROM run_epochs WHERE run_id = ?').pluck().all(runId) as Array<number | null>;
    expect(epochs(refit.runId)).toHaveLength(headOf(refit.runId).epochs);
    expect(epochs(refit.runId).every((v) => v === null)).toBe(true);
    expect(epochs(held.runId).every((v) => v !== null)).toBe(true);
    // Same 36 validation images scored at the selection stage, same 60 test images.
    expect(refit.val!.count).toBe(36);
    expect(held.val!.count).toBe(36);
    const testIds = (r: typeof refit) => r.test!.perClass.map((c) => c.support);
    expect(refit.test!.count).toBe(60);
    expect(testIds(refit)).toEqual(testIds(held));
    const splits = project.db.prepare("SELECT count(*) FROM images WHERE split = 'test'").pluck().get();
    expect(splits).toBe(60);
  }, 180_000);
});
