// npx tsx test/bench/refit-variants.ts — how the refit should train the one-click MLP, measured
// per variant on the same folds: the 3 fold heads averaged (`folds`), and refits for a number of
// epochs (RULES: `E` = the folds' mean best epoch, as selection picks it, `2E`, `E+5`, or a
// fixed count), each as 1, 3 and 5 seeded heads with their logits averaged (`<rule>_x<m>`; the
// average equals the merged head refit-ensemble.ts builds). What chose refit-ensemble.ts's
// 3 members and 5 extra epochs.
//   MODE=fixed    the fixture's train → val split (val as test), N seeds, views 0 + 1 augmented
//                 (as one click trains)
//   MODE=resplit  train+val pooled and re-split 80/20 N times, view 0 only (as bench:selection)
// Environment: N (5), MEMBERS (5), RULES ('E,2E,E+5,20'), BENCH_DATASETS, ALWAYS_KFOLD=1 (3 folds
// whatever the class size), KEEP_DIR (the projects and their embedding caches, kept between runs
// so that a second run embeds nothing; default $TMPDIR/heads3-explore). Ends with one JSON line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { EmbeddingCache } from '../../electron/engine/embeddings/cache.js';
import { embedItems } from '../../electron/engine/embeddings/pipeline.js';
import { runPreprocessing, trainKey } from '../../electron/engine/embeddings/train-keys.js';
import { drawAugmentation } from '../../electron/engine/images/augment.js';
import { SMALL_CLASS, stratifiedFolds } from '../../electron/engine/training/head-selection.js';
import { predictCached, trainHead, type LabeledKey } from '../../electron/engine/training/head.js';
import { holdOutValidation } from '../../electron/engine/training/holdout.js';
import { loadExamples, runClasses, type Example } from '../../electron/project/examples.js';
import { openProject } from '../../electron/project/project.js';
import { readSettings } from '../../electron/project/settings.js';
import { resplit } from './resplit.js';
import { fixture } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const MODE = process.env.MODE ?? 'fixed';
const N = Number(process.env.N ?? 5);
const DATASETS = (process.env.BENCH_DATASETS ?? 'flower_photos_small,hymenoptera').split(',');
const MEMBERS = Number(process.env.MEMBERS ?? 3);
const keep = process.env.KEEP_DIR ?? path.join(os.tmpdir(), 'studio-refit-variants');
const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
console.log(`backend ${backend.label}; load ${os.loadavg()[0]!.toFixed(2)}; mode ${MODE}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: path.join(keep, 'models'), spec });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));


const out: Record<string, number> = {};
for (const name of DATASETS) {
  const dir = path.join(keep, name);
  const project = fs.existsSync(dir) ? openProject(dir) : fixtureProject(dir, fixture('datasets', name), { splits: { train: 'train', val: 'test' } });
  const settings = readSettings(project.db);
  const preprocessing = runPreprocessing(spec, settings);
  const classes = runClasses(project.db);
  const k = classes.ids.length;
  const examples = loadExamples(project.db, classes).filter((e) => e.label >= 0);
  const ladder = await openEmbedder(spec, backboneDir, { samples: async () => examples.slice(0, 16).map((e) => e.paths[0]!) });
  const dim = ladder.embedder.dim;
  const cache = new EmbeddingCache(project.db, spec.id, dim);
  const views = MODE === 'fixed' ? 1 : 0;
  const acc: Record<string, number[]> = {};
  for (let r = 1; r <= N; r++) {
    const seed = r;
    const { train, test } = MODE === 'fixed' ? { train: examples.filter((e) => e.split === 'train'), test: examples.filter((e) => e.split === 'test') } : resplit(examples, r);
    const key = (e: Example, v: number) => trainKey(preprocessing, settings.augmentation, seed, e.hash, v);
    await embedItems(
      [...examples.map((e) => ({ key: key(e, 0), paths: e.paths, augment: drawAugmentation(settings.augmentation, e.hash, 0, seed) })), ...train.flatMap((e) => Array.from({ length: views }, (_, v) => ({ key: key(e, v + 1), paths: e.paths, augment: drawAugmentation(settings.augmentation, e.hash, v + 1, seed) })))],
      { embedder: ladder.embedder, cache, preprocessing },
    );
    const rows = (e: Example): LabeledKey[] => Array.from({ length: views + 1 }, (_, v) => ({ key: key(e, v), label: e.label }));
    const row0 = (e: Example): LabeledKey => ({ key: key(e, 0), label: e.label });
    const config = TrainConfig.parse({ seed, augmentViews: views });
    const smallest = Math.min(...classes.ids.map((_, c) => train.filter((e) => e.label === c).length));
    const kfold = smallest < SMALL_CLASS || process.env.ALWAYS_KFOLD === '1';
    const folds = kfold ? stratifiedFolds(train, 3, seed) : [holdOutValidation(train, seed)];
    const testKeys = test.map((e) => key(e, 0));
    const logp = async (model: Awaited<ReturnType<typeof trainHead>>['model']) => {
      const p = await predictCached(model, cache, testKeys, k);
      model.dispose();
      return p.map((x) => Math.log(Math.max(x, 1e-12)));
    };
    const accOf = (members: Float32Array[]) => {
      let correct = 0;
      test.forEach((e, i) => {
        let best = 0;
        const s = (c: number) => members.reduce((a, m) => a + m[i * k + c]!, 0);
        for (let c = 1; c < k; c++) if (s(c) > s(best)) best = c;
        if (best === e.label) correct++;
      });
      return correct / test.length;
    };
    const t0 = Date.now();
    const foldLogp: Float32Array[] = [];
    let epochs = 0;
    for (const f of folds) {
      const head = await trainHead({ dim, nClasses: k, config, train: f.train.flatMap(rows), val: f.val.map(row0), cache });
      epochs += head.bestEpoch;
      foldLogp.push(await logp(head.model));
    }
    const E = Math.max(1, Math.round(epochs / folds.length));
    const tFolds = Date.now() - t0;
    const rules: Record<string, number> = Object.fromEntries((process.env.RULES ?? 'E,2E,E+5,20').split(',').map((rule) => [rule, rule === 'E' ? E : rule === '2E' ? 2 * E : rule.startsWith('E+') ? E + Number(rule.slice(2)) : Number(rule)]));
    const variants: Record<string, Float32Array[]> = { folds: foldLogp };
    let tRefit = 0;
    for (const [rule, epochsOf] of Object.entries(rules)) {
      const refits: Float32Array[] = [];
      const t1 = Date.now();
      for (let m = 0; m < MEMBERS; m++) {
        const head = await trainHead({ dim, nClasses: k, config: { ...config, seed: seed + 1000 * m }, train: train.flatMap(rows), val: [], cache, fixedEpochs: epochsOf });
        refits.push(await logp(head.model));
      }
      tRefit = (Date.now() - t1) / MEMBERS;
      for (const m of [1, 3, 5].filter((x) => x <= MEMBERS)) variants[`${rule}_x${m}`] = refits.slice(0, m);
    }
    const line: string[] = [];
    for (const [v, members] of Object.entries(variants)) {
      (acc[v] ??= []).push(accOf(members));
      line.push(`${v} ${accOf(members).toFixed(3)}`);
    }
    console.log(`${name} ${MODE} ${r}: E=${E} folds ${tFolds} ms, refit ${tRefit} ms each; ${line.join(', ')}`);
  }
  const prefix = name === 'hymenoptera' ? 'hym' : 'flowers';
  for (const [v, xs] of Object.entries(acc)) {
    out[`${prefix}_${v}`] = Number(mean(xs).toFixed(4));
    out[`${prefix}_${v}_sd`] = Number(sd(xs).toFixed(4));
  }
  ladder.embedder.dispose();
  project.close();
}
console.log(JSON.stringify({ mode: MODE, n: N, members: MEMBERS, ...out }));
