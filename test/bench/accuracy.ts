// npm run bench:accuracy — accuracy of the one-click head (chosen by validation, refit on all
// labels) against the Teachable-Machine-style baseline and plain softmax regression, on
// hymenoptera and flower_photos_small (each: train folder → training images, val folder → the
// test split, never seen before the final evaluation), 5 seeds each, MobileNetV2 0.35. One
// project per dataset: view-0 embeddings are computed once and served from the cache for every
// seed (augmented views are seeded, so each seed embeds its own), and the baseline and linear
// heads train on the same cached view-0 vectors. Each seed's one-click run selects its head
// anew (headSearch 'always'): what the first training of a project does.
//
// Environment: BENCH_SEEDS=3 (fewer seeds), BENCH_DATASETS=hymenoptera (one dataset),
// BENCH_CONFIG='{"headSearch":"off"}' (settings for the one-click runs, to compare variants).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendInfo, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone, type BackboneSpec } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { EmbeddingCache, specHash } from '../../electron/engine/embeddings/cache.js';
import { predictCached, trainHead } from '../../electron/engine/training/head.js';
import { holdOutValidation } from '../../electron/engine/training/holdout.js';
import { argmaxRow } from '../../electron/engine/training/metrics.js';
import { runPreprocessing } from '../../electron/engine/embeddings/train-keys.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { TrainConfig, type TrainConfigInput } from '../../electron/domain/schemas.js';
import { loadExamples, runClasses } from '../../electron/project/examples.js';
import type { Project } from '../../electron/project/project.js';
import { readSettings } from '../../electron/project/settings.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { fitTeachableHead } from './teachable-baseline.js';

/**
 * The fine-tuning figures' hook (issue 15, the fine-tuning half): given a dataset's project
 * (its train split = the folder's train, its test split = the folder's val) and a seed, train
 * with the top backbone blocks fine-tuned and return the test accuracy and the training time.
 * With BENCH_FINETUNE_BLOCKS=0 it is null and hym_finetune_mean, flowers_finetune_mean and
 * finetune_train_s are null.
 */
export type FineTuneBench = (context: {
  project: Project;
  spec: BackboneSpec;
  backboneDir: string;
  embedder: Embedder;
  backend: BackendInfo;
  seed: number;
}) => Promise<{ accuracy: number; trainS: number }>;
/** Blocks fine-tuned for the `*_finetune_*` figures (`BENCH_FINETUNE_BLOCKS`, default 1; 0 leaves them null). */
const FINETUNE_BLOCKS = Number(process.env.BENCH_FINETUNE_BLOCKS ?? 1);
// The one-click settings with the top block(s) fine-tuned (engine/finetune/); its train time is
// the run's whole head time (selection, refit and fine-tuning), as oneclick_train_s is.
const fineTune: FineTuneBench | null =
  FINETUNE_BLOCKS > 0
    ? async ({ project, spec, backboneDir, embedder, backend, seed }) => {
        const config = TrainConfig.parse({ headSearch: 'always', ...ONE_CLICK, seed, outOfFoldK: 0, fineTuneBlocks: FINETUNE_BLOCKS });
        const run = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backboneDir, backend, config, settings: readSettings(project.db) });
        return { accuracy: run.test!.accuracy, trainS: run.timings.trainMs / 1000 };
      }
    : null;

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const SEEDS = Array.from({ length: Number(process.env.BENCH_SEEDS ?? 5) }, (_, i) => i + 1);
const DATASETS = (process.env.BENCH_DATASETS ?? 'hymenoptera,flower_photos_small').split(',');
const ONE_CLICK = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as TrainConfigInput;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const log = (line: string) => console.log(line);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-accuracy-'));

const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; one-click settings ${JSON.stringify(ONE_CLICK)}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: path.join(work, 'models'), spec });

interface DatasetFigures {
  baseline: number[];
  linear: number[];
  oneclick: number[];
  /** Head training time of each one-click run (selection + refit), and of the baseline's fit. */
  oneclickTrainS: number[];
  baselineFitS: number[];
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
  const figures: DatasetFigures = { baseline: [], linear: [], oneclick: [], oneclickTrainS: [], baselineFitS: [], heads: [], finetune: [], finetuneTrainS: [] };

  for (const seed of SEEDS) {
    const config = TrainConfig.parse({ headSearch: 'always', ...ONE_CLICK, seed, outOfFoldK: 0 });
    const run = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config, settings });
    const detail = JSON.parse(project.db.prepare('SELECT metrics FROM runs WHERE id = ?').pluck().get(run.runId) as string) as {
      head?: { chosen: { kind: string; param: number }; method: string; epochs: number; scores: Array<{ candidate: { kind: string; param: number }; valLoss: number; valAcc: number }> };
    };
    const head = detail.head ? `${detail.head.chosen.kind}(${detail.head.chosen.param})` : 'configured';
    const scores = detail.head ? detail.head.scores.map((s) => `${s.candidate.kind}(${s.candidate.param}) ${round(s.valLoss, 3)}/${round(s.valAcc, 3)}`).join(', ') : '';
    figures.oneclick.push(run.test!.accuracy);
    figures.oneclickTrainS.push(run.timings.trainMs / 1000);
    figures.heads.push(head);
    log(`${name} seed ${seed}: one-click test acc ${round(run.test!.accuracy, 3)} (${head} by ${detail.head?.method ?? '-'}, ${detail.head?.epochs ?? run.epochs} epochs: ${scores}; embed ${run.timings.embedMs} ms, head ${run.timings.trainMs} ms)`);
  }

  // The same cached view-0 vectors for the baseline and softmax regression.
  const cache = new EmbeddingCache(project.db, spec.id, embedder.dim);
  const key0 = (hash: string) => ({ imageHash: hash, view: 0, specHash: specHash(preprocessing, 0, settings.augmentation, 0) });
  const labeled = examples.filter((e) => e.label >= 0);
  const train = labeled.filter((e) => e.split === 'train').map((e) => ({ key: key0(e.hash), label: e.label }));
  const test = labeled.filter((e) => e.split === 'test').map((e) => ({ key: key0(e.hash), label: e.label }));
  const vectors = (set: typeof train) => {
    const flat = new Float32Array(set.length * embedder.dim);
    cache.readKeys(
      set.map((s) => s.key),
      flat,
    );
    return { vectors: set.map((_, i) => flat.subarray(i * embedder.dim, (i + 1) * embedder.dim)), labels: set.map((s) => s.label) };
  };
  const trainVectors = vectors(train);
  const testVectors = vectors(test);
  const k = classes.ids.length;
  for (const seed of SEEDS) {
    const base = await fitTeachableHead(trainVectors, testVectors, k, seed);
    figures.baseline.push(base.accuracy);
    figures.baselineFitS.push(base.fitS);
    // Softmax regression as the issue measured it: the engine's loop, no hidden layer, early-stopped on a hold-out.
    const split = holdOutValidation(train, seed);
    const linear = await trainHead({ dim: embedder.dim, nClasses: k, config: TrainConfig.parse({ seed, hiddenUnits: 0, dropout: 0 }), train: split.train, val: split.val, cache });
    const probs = await predictCached(linear.model, cache, test.map((t) => t.key), k);
    linear.model.dispose();
    figures.linear.push(test.filter((t, i) => argmaxRow(probs, i, k) === t.label).length / test.length);
    log(`${name} seed ${seed}: baseline ${round(base.accuracy, 3)} (fit ${round(base.fitS, 1)} s), softmax regression ${round(figures.linear.at(-1)!, 3)}`);
  }

  if (fineTune) {
    for (const seed of SEEDS) {
      const ft = await fineTune({ project, spec, backboneDir, embedder, backend, seed });
      figures.finetune.push(ft.accuracy);
      figures.finetuneTrainS.push(ft.trainS);
      log(`${name} seed ${seed}: fine-tuned ${round(ft.accuracy, 3)} (${round(ft.trainS, 1)} s)`);
    }
  }
  embedder.dispose();
  project.close();
  return figures;
}

const results = new Map<string, DatasetFigures>();
for (const name of DATASETS) results.set(name, await benchDataset(name));
fs.rmSync(work, { recursive: true, force: true });
const meanOrNull = (xs: number[] | undefined, digits = 4) => (xs?.length ? round(mean(xs), digits) : null);
const sdOrNull = (xs: number[] | undefined) => (xs?.length ? round(sd(xs)) : null);
const hym = results.get('hymenoptera');
const flowers = results.get('flower_photos_small');
const all = [...results.values()];
/** One dataset's figures under its prefix, in the order the issue lists them. */
const datasetFigures = (prefix: string, f: DatasetFigures | undefined) => ({
  [`${prefix}_baseline_mean`]: meanOrNull(f?.baseline),
  [`${prefix}_baseline_sd`]: sdOrNull(f?.baseline),
  [`${prefix}_linear_mean`]: meanOrNull(f?.linear),
  [`${prefix}_oneclick_mean`]: meanOrNull(f?.oneclick),
  [`${prefix}_oneclick_sd`]: sdOrNull(f?.oneclick),
  [`${prefix}_finetune_mean`]: meanOrNull(f?.finetune),
});
const figures = {
  backend: backend.name,
  seeds: SEEDS.length,
  ...datasetFigures('hym', hym),
  ...datasetFigures('flowers', flowers),
  oneclick_train_s: meanOrNull(all.flatMap((f) => f.oneclickTrainS), 2),
  baseline_fit_s: meanOrNull(all.flatMap((f) => f.baselineFitS), 2),
  finetune_train_s: meanOrNull(all.flatMap((f) => f.finetuneTrainS), 2),
  hym_heads: hym?.heads ?? null,
  flowers_heads: flowers?.heads ?? null,
};
console.log(JSON.stringify(figures));
