// npm run bench:selection — which rule should pick the head, judged on more photos than one
// fixed test split holds. Each dataset's train and val folders are pooled and re-split at random
// (stratified 80/20, RESPLITS times); on each re-split every candidate is scored as head
// selection scores it (3 folds under 50 photos per class, else a hold-out), every candidate is
// refit on the re-split's training photos, and each rule's pick is scored on its test photos:
//   keep_default  the configured MLP keeps ties (the rule head-selection.ts applies)
//   lowest_loss   the lowest pooled held-out loss wins, no tie rule
//   keep_simple   softmax regression keeps ties (the textbook one-standard-error rule)
// beside each candidate refit, mlp_no_refit: the MLP early-stopped on a 15 % hold-out of
// the re-split's training photos (the one-click head before selection), and mlp_ensemble: the
// MLP refit as one click refits it (config.refitMembers seeded heads merged, refit-ensemble.ts)
// where `mlp` is one head for the chosen epochs.
// View 0 only (no augmented views), so it compares rules, not the one-click's absolute accuracy.
// Environment: RESPLITS=6, BENCH_DATASETS=flower_photos_small,hymenoptera. Ends with one JSON line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { EmbeddingCache, specHash, type CacheKey } from '../../electron/engine/embeddings/cache.js';
import { embedItems } from '../../electron/engine/embeddings/pipeline.js';
import { runPreprocessing } from '../../electron/engine/embeddings/train-keys.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';
import { candidateConfig, candidateL2, chooseWinner, headCandidates, selectHead, SMALL_CLASS, stratifiedFolds } from '../../electron/engine/training/head-selection.js';
import { predictCached, trainHead, type LabeledKey } from '../../electron/engine/training/head.js';
import { holdOutValidation } from '../../electron/engine/training/holdout.js';
import { memberEpochs, trainRefitEnsemble } from '../../electron/engine/training/refit-ensemble.js';
import { argmaxRow } from '../../electron/engine/training/metrics.js';
import { loadExamples, runClasses, type Example } from '../../electron/project/examples.js';
import { readSettings } from '../../electron/project/settings.js';
import { resplit } from './resplit.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}
const RESPLITS = Number(process.env.RESPLITS ?? 6);
const DATASETS = (process.env.BENCH_DATASETS ?? 'flower_photos_small,hymenoptera').split(',');
const round = (x: number) => Number(x.toFixed(4));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-selection-'));
const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
console.log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: path.join(work, 'models'), spec });


const results: Record<string, Record<string, number>> = {};
for (const name of DATASETS) {
  const project = fixtureProject(path.join(work, name), fixture('datasets', name), { splits: { train: 'train', val: 'train' } });
  const settings = readSettings(project.db);
  const preprocessing = runPreprocessing(spec, settings);
  const classes = runClasses(project.db);
  const nClasses = classes.ids.length;
  const examples = loadExamples(project.db, classes).filter((e) => e.label >= 0);
  const ladder = await openEmbedder(spec, backboneDir, { samples: async () => examples.slice(0, 16).map((e) => e.paths[0]!) });
  const dim = ladder.embedder.dim;
  const cache = new EmbeddingCache(project.db, spec.id, dim);
  const key = (e: Example): CacheKey => ({ imageHash: e.hash, view: 0, specHash: specHash(preprocessing, 0, settings.augmentation, 0) });
  const rows = (set: readonly Example[]): LabeledKey[] => set.map((e) => ({ key: key(e), label: e.label }));
  await embedItems(examples.map((e) => ({ key: key(e), paths: e.paths, augment: IDENTITY })), { embedder: ladder.embedder, cache, preprocessing });
  const picks: Record<string, number[]> = { keep_default: [], lowest_loss: [], keep_simple: [], mlp: [], linear_1e3: [], linear_1e4: [], mlp_no_refit: [], mlp_ensemble: [] };
  for (let r = 1; r <= RESPLITS; r++) {
    const { train, test } = resplit(examples, r);
    const config = TrainConfig.parse({ seed: r, augmentViews: 0 });
    const smallest = Math.min(...classes.ids.map((_, c) => train.filter((e) => e.label === c).length));
    const holdOut = holdOutValidation(train, r);
    const folds = smallest < SMALL_CLASS ? stratifiedFolds(rows(train), 3, r) : [{ train: rows(holdOut.train), val: rows(holdOut.val) }];
    const candidates = headCandidates(config, true);
    // Each candidate alone: its pooled held-out probabilities and mean best epoch.
    const scored = [];
    for (const candidate of candidates) {
      const s = await selectHead({ dim, nClasses, config, cache, candidates: [candidate], folds, method: 'k-fold', keepModel: false });
      scored.push({ probs: s.heldOutProbs, epochs: s.choice.epochs });
    }
    const labels = folds.flatMap((f) => f.val.map((v) => v.label));
    const probs = scored.map((s) => s.probs);
    const loss = (p: Float32Array) => mean(labels.map((l, i) => -Math.log(Math.max(p[i * nClasses + l]!, 1e-7))));
    const losses = probs.map(loss);
    const simpleFirst = [1, 2, 0];
    const pick = {
      keep_default: chooseWinner(probs, labels, nClasses),
      lowest_loss: losses.indexOf(Math.min(...losses)),
      keep_simple: simpleFirst[chooseWinner(simpleFirst.map((i) => probs[i]!), labels, nClasses)]!,
    };
    const testAcc: number[] = [];
    for (const [i, candidate] of candidates.entries()) {
      const head = await trainHead({ dim, nClasses, config: candidateConfig(config, candidate), l2: candidateL2(candidate), train: rows(train), val: [], cache, fixedEpochs: scored[i]!.epochs });
      const p = await predictCached(head.model, cache, test.map(key), nClasses);
      head.model.dispose();
      testAcc.push(test.filter((e, j) => argmaxRow(p, j, nClasses) === e.label).length / test.length);
    }
    // The one-click head before selection: the MLP early-stopped on a 15 % hold-out, no refit.
    const legacy = await trainHead({ dim, nClasses, config, train: rows(holdOut.train), val: rows(holdOut.val), cache });
    const legacyProbs = await predictCached(legacy.model, cache, test.map(key), nClasses);
    legacy.model.dispose();
    picks.mlp_no_refit!.push(test.filter((e, j) => argmaxRow(legacyProbs, j, nClasses) === e.label).length / test.length);
    const ensemble = await trainRefitEnsemble({ dim, nClasses, config, train: rows(train), cache, epochs: memberEpochs(scored[0]!.epochs, config.refitMembers), members: config.refitMembers });
    const ensembleProbs = await predictCached(ensemble.model, cache, test.map(key), nClasses);
    ensemble.model.dispose();
    picks.mlp_ensemble!.push(test.filter((e, j) => argmaxRow(ensembleProbs, j, nClasses) === e.label).length / test.length);
    for (const [rule, i] of Object.entries(pick)) picks[rule]!.push(testAcc[i]!);
    picks.mlp!.push(testAcc[0]!);
    picks.linear_1e3!.push(testAcc[1]!);
    picks.linear_1e4!.push(testAcc[2]!);
    console.log(`${name} re-split ${r}: held-out loss ${losses.map((l) => l.toFixed(3)).join(' / ')} (mlp / linear 1e-3 / 1e-4); test ${testAcc.map((a) => a.toFixed(3)).join(' / ')}, MLP without refit ${picks.mlp_no_refit!.at(-1)!.toFixed(3)}, MLP ensemble ${picks.mlp_ensemble!.at(-1)!.toFixed(3)}; picks ${JSON.stringify(pick)}`);
  }
  results[name] = Object.fromEntries(Object.entries(picks).map(([rule, accs]) => [rule, round(mean(accs))]));
  ladder.embedder.dispose();
  project.close();
}
fs.rmSync(work, { recursive: true, force: true });
const prefix: Record<string, string> = { hymenoptera: 'hym', flower_photos_small: 'flowers' };
console.log(JSON.stringify({ backend: backend.name, resplits: RESPLITS, ...Object.fromEntries(Object.entries(results).flatMap(([name, r]) => Object.entries(r).map(([rule, acc]) => [`${prefix[name] ?? name}_${rule}`, acc]))) }));
