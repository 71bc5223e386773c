// npm run bench:accuracy — accuracy of the one-click head against the Teachable-Machine-style
// baseline and plain softmax regression, on hymenoptera and flower_photos_small (each: train
// folder → training images, val folder → the test split, never seen before the final
// evaluation), 5 seeds each, MobileNetV2 0.35. One project per dataset: view-0 embeddings are
// computed once and served from the cache for every seed (augmented views are seeded, so each
// seed embeds its own), and the baseline and linear heads train on the same cached vectors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { EmbeddingCache, specHash } from '../../electron/engine/embeddings/cache.js';
import { loadExamples, runClasses } from '../../electron/engine/training/examples.js';
import { trainHead } from '../../electron/engine/training/head-group.js';
import { predictCached } from '../../electron/engine/training/head.js';
import { argmaxRow } from '../../electron/engine/training/metrics.js';
import { holdOutValidation } from '../../electron/engine/training/holdout.js';
import { runPreprocessing, runTraining } from '../../electron/engine/training/run.js';
import { TrainConfig } from '../../electron/ipc/schemas.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { fitTeachableHead } from './teachable-baseline.js';
import { fineTuneFigures } from './fine-tune-figures.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const SEEDS = [1, 2, 3, 4, 5];
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const log = (line: string) => console.log(line);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-accuracy-'));

const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: path.join(work, 'models'), spec });

interface DatasetFigures {
  baseline: number[];
  linear: number[];
  oneclick: number[];
  oneclickTrainS: number[];
  heads: string[];
  finetune: number[];
  finetuneTrainS: number[];
}

async function benchDataset(name: string): Promise<DatasetFigures> {
  const project = fixtureProject(path.join(work, name), fixture('datasets', name), { splits: { train: 'train', val: 'test' } });
  const settings = readSettings(project.db);
  const preprocessing = runPreprocessing(spec, settings);
  const classes = runClasses(project.db);
  const examples = loadExamples(project.db, classes);
  const ladder = await openEmbedder(spec, backboneDir, { samples: async () => examples.slice(0, 16).map((e) => e.paths[0]!) });
  const embedder = ladder.embedder;
  const figures: DatasetFigures = { baseline: [], linear: [], oneclick: [], oneclickTrainS: [], heads: [], finetune: [], finetuneTrainS: [] };

  for (const seed of SEEDS) {
    const run = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config: TrainConfig.parse({ seed, outOfFoldK: 0 }), settings });
    const detail = JSON.parse(project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(run.runId) as string) as { head?: { chosen?: { kind: string; param: number } } };
    const head = detail.head?.chosen ? `${detail.head.chosen.kind}(${detail.head.chosen.param})` : 'mlp(128)';
    figures.oneclick.push(run.test!.accuracy);
    figures.oneclickTrainS.push(run.timings.trainMs / 1000);
    figures.heads.push(head);
    log(`${name} seed ${seed}: one-click test acc ${round(run.test!.accuracy, 3)} (${head}, embed ${run.timings.embedMs} ms, head ${run.timings.trainMs} ms)`);
  }

  // The same cached view-0 vectors for the baseline and softmax regression.
  const cache = new EmbeddingCache(project.db, spec.id, embedder.dim);
  const key0 = (hash: string) => ({ imageHash: hash, view: 0, specHash: specHash(preprocessing, 0, settings.augmentation, 0) });
  const labeled = examples.filter((e) => e.label >= 0);
  const train = labeled.filter((e) => e.split === 'train').map((e) => ({ key: key0(e.hash), label: e.label }));
  const test = labeled.filter((e) => e.split === 'test').map((e) => ({ key: key0(e.hash), label: e.label }));
  const vectors = (set: typeof train) => {
    const flat = new Float32Array(set.length * embedder.dim);
    cache.readKeys(set.map((s) => s.key), flat);
    return { vectors: set.map((_, i) => flat.subarray(i * embedder.dim, (i + 1) * embedder.dim)), labels: set.map((s) => s.label) };
  };
  const trainVectors = vectors(train);
  const testVectors = vectors(test);
  const k = classes.ids.length;
  for (const seed of SEEDS) {
    const base = await fitTeachableHead(trainVectors, testVectors, k, seed);
    figures.baseline.push(base.accuracy);
    const split = holdOutValidation(train, seed);
    const linear = await trainHead({ dim: embedder.dim, nClasses: k, config: TrainConfig.parse({ seed, hiddenUnits: 0, dropout: 0 }), train: split.train, val: split.val, cache });
    const probs = await predictCached(linear.model, cache, test.map((t) => t.key), k);
    linear.model.dispose();
    figures.linear.push(test.filter((t, i) => argmaxRow(probs, i, k) === t.label).length / test.length);
    log(`${name} seed ${seed}: baseline ${round(base.accuracy, 3)}, softmax regression ${round(figures.linear.at(-1)!, 3)}`);
  }

  const ft = await fineTuneFigures({ project, spec, backboneDir, embedder, seeds: SEEDS, backend, log });
  figures.finetune = ft.accuracies;
  figures.finetuneTrainS = ft.trainS;
  embedder.dispose();
  project.close();
  return figures;
}

const hym = await benchDataset('hymenoptera');
const flowers = await benchDataset('flower_photos_small');
fs.rmSync(work, { recursive: true, force: true });
const meanOrNull = (xs: number[]) => (xs.length ? round(mean(xs)) : null);
const figures = {
  backend: backend.name,
  seeds: SEEDS.length,
  hym_baseline_mean: round(mean(hym.baseline)),
  hym_baseline_sd: round(sd(hym.baseline)),
  hym_linear_mean: round(mean(hym.linear)),
  hym_oneclick_mean: round(mean(hym.oneclick)),
  hym_oneclick_sd: round(sd(hym.oneclick)),
  hym_finetune_mean: meanOrNull(hym.finetune),
  flowers_baseline_mean: round(mean(flowers.baseline)),
  flowers_baseline_sd: round(sd(flowers.baseline)),
  flowers_linear_mean: round(mean(flowers.linear)),
  flowers_oneclick_mean: round(mean(flowers.oneclick)),
  flowers_oneclick_sd: round(sd(flowers.oneclick)),
  flowers_finetune_mean: meanOrNull(flowers.finetune),
  oneclick_train_s: round(mean([...hym.oneclickTrainS, ...flowers.oneclickTrainS]), 2),
  finetune_train_s: hym.finetuneTrainS.length ? round(mean([...hym.finetuneTrainS, ...flowers.finetuneTrainS]), 2) : null,
  hym_heads: hym.heads,
  flowers_heads: flowers.heads,
};
console.log(JSON.stringify(figures));
