// npm run bench:engine — the training engine on hymenoptera with the MobileNetV2-0.35 backbone,
// against a Teachable-Machine-style baseline measured in the same run. The hymenoptera val
// folder is held out as the test split for both: neither uses it for early stopping, and its
// accuracy is reported as val_acc (the published anchors for this data are on that folder).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendName } from '../../electron/engine/backend.js';
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { importBackboneFolder } from '../../electron/engine/backbones/install.js';
import { loadBackbone } from '../../electron/engine/backbones/load.js';
import { openEmbedder } from '../../electron/engine/embedders/open-embedder.js';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import type { Embedder } from '../../electron/engine/embedder.js';
import { EmbeddingCache, specHash } from '../../electron/engine/embeddings/cache.js';
import { embedItems } from '../../electron/engine/embeddings/pipeline.js';
import { IDENTITY } from '../../electron/engine/images/augment.js';
import { checkLabels } from '../../electron/engine/training/check-labels.js';
import { loadExamples, runClasses } from '../../electron/project/examples.js';
import { runPreprocessing } from '../../electron/engine/embeddings/train-keys.js';
import { runTraining } from '../../electron/engine/training/run.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { applyLabels } from '../../electron/project/labels.js';
import { readSettings } from '../../electron/project/settings.js';
import { runDetail } from '../../electron/project/runs.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { syntheticRetrain } from './synthetic-retrain.js';
import { teachableBaseline } from './teachable-baseline.js';

const skip = fixturesUnavailable();
if (skip) {
  console.log(JSON.stringify({ skipped: skip }));
  process.exit(0);
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const log = (line: string) => console.log(line);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-engine-'));
const HYMENOPTERA = fixture('datasets', 'hymenoptera');
const splits = { train: 'train', val: 'test' } as const;

const backend = await initBackend((process.env.STUDIO_BACKEND as BackendName | undefined) ?? undefined);
log(`backend: ${backend.label}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const spec = findBackbone('mobilenet-v2-0.35-224')!;
const cacheDir = path.join(work, 'models');
const { dir: backboneDir } = await importBackboneFolder(fixture('models', spec.fixture!), { cache: cacheDir, spec });
// The tfjs backbone (what the baseline uses, and the wasm rung) and the ladder's choice.
const backbone = await loadBackbone(backboneDir, spec);
const config = TrainConfig.parse({});

const embedProject = fixtureProject(path.join(work, 'embed'), HYMENOPTERA, { splits });
const settings = readSettings(embedProject.db);
const preprocessing = runPreprocessing(spec, settings);
const examples = loadExamples(embedProject.db, runClasses(embedProject.db));
const files = examples.map((e) => e.paths[0]!);
let t = Date.now();
const ladder = await openEmbedder(spec, backboneDir, { samples: async () => files.slice(0, 16) });
const embedder = ladder.embedder;
log(`embedder: ${ladder.report.engine} (conversion + parity check ${Date.now() - t} ms; ${ladder.report.skipped.map((s) => `${s.engine}: ${s.reason}`).join('; ')})`);

/** Maps with `inFlight` calls outstanding, results in input order. */
async function mapInFlight<T, R>(items: readonly T[], inFlight: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

/** decode + resize + embed through the pipeline, nothing cached; images per second. */
async function embedThroughput(which: Embedder, label: string): Promise<number> {
  const cache = new EmbeddingCache(embedProject.db, `${spec.id}-${label}`, which.dim);
  // Warm the engine once so that the figure is the steady state, as in the baseline.
  await which.embed(new Float32Array(spec.input.size * spec.input.size * 3), 1);
  const start = Date.now();
  const result = await embedItems(
    examples.map((e) => ({ key: { imageHash: e.hash, view: 0, specHash: specHash(preprocessing, 0, settings.augmentation, config.seed) }, paths: e.paths, augment: IDENTITY })),
    { embedder: which, cache, preprocessing },
  );
  const perS = result.embedded / ((Date.now() - start) / 1000);
  log(`embed (${label}): ${result.embedded} images, ${round(perS, 1)} img/s, ${result.failed.length} failed`);
  return perS;
}

// 1. Embed throughput: the full pipeline with the ladder's engine and with tfjs on wasm, then
// each stage alone on the same images (sharp decode; onnxruntime on decoded tensors).
const embedImgPerS = await embedThroughput(embedder, embedder.engine);
const wasmEmbedImgPerS = await embedThroughput(backbone, backbone.engine);
const decodeStart = Date.now();
const decodedAll = await mapInFlight(files, os.availableParallelism() * 2, (f) => decodeForModel(f, preprocessing).catch(() => null));
const decodeImgPerS = decodedAll.filter(Boolean).length / ((Date.now() - decodeStart) / 1000);
const rawCount = Math.min(64, decodedAll.filter(Boolean).length);
const pixels = new Float32Array(rawCount * spec.input.size * spec.input.size * 3);
decodedAll.filter((d) => d !== null).slice(0, rawCount).forEach((d, i) => scalePixels(d!.pixels, preprocessing.scaling, pixels, i * d!.pixels.length));
let ortRawImgPerS: number | null = null;
if (embedder.engine === 'onnxruntime') {
  const per = spec.input.size * spec.input.size * 3;
  const rounds = 4;
  const start = Date.now();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < rawCount; i += 32) await embedder.embed(pixels.subarray(i * per, Math.min(rawCount, i + 32) * per), Math.min(32, rawCount - i));
  ortRawImgPerS = (rounds * rawCount) / ((Date.now() - start) / 1000);
}
const ceiling = ortRawImgPerS === null ? null : 1 / (1 / ortRawImgPerS + 1 / decodeImgPerS);
log(`decode alone: ${round(decodeImgPerS, 1)} img/s; onnxruntime alone: ${ortRawImgPerS === null ? 'n/a' : round(ortRawImgPerS, 1)} img/s; pipeline ceiling ${ceiling === null ? 'n/a' : round(ceiling, 1)} img/s`);
embedProject.close();

// 2. Baseline.
const classNames = [...new Set(examples.filter((e) => e.label >= 0).map((e) => e.label))];
const asItems = (split: string) => examples.filter((e) => e.split === split).map((e) => ({ path: e.paths[0]!, label: e.label }));
const baseline = await teachableBaseline(backbone, asItems('train'), asItems('test'), classNames.length);
log(`baseline (Teachable Machine style): ${round(baseline.wallS)} s (embed ${round(baseline.embedS)} s, fit ${round(baseline.fitS)} s), val acc ${round(baseline.accuracy, 3)}`);

// 3. One-click train on a fresh project (no cached embeddings).
const project = fixtureProject(path.join(work, 'one-click'), HYMENOPTERA, { splits });
t = Date.now();
const run = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config, settings: readSettings(project.db) });
const trainS = (Date.now() - t) / 1000;
const valAcc = run.test?.accuracy ?? 0;
log(`one-click: ${round(trainS)} s ${JSON.stringify(run.timings)}, val acc ${round(valAcc, 3)}, epochs ${run.epochs} (best ${run.bestEpoch})`);
const oof = await checkLabels(project.db, run.runId);
log(`check labels (out-of-fold, after training): ${oof.checked} images in ${round(oof.ms / 1000)} s`);

// 4. Retrain after adding labels: 20 training images come in newly labeled. The project first
// trains without them, from scratch (untimed: the run before they came in, which the retrain may
// start from); their augmented views were never embedded (they were unlabeled), only their
// plain view (from prediction).
const newlyLabeled = loadExamples(project.db, run.classes).filter((e) => e.split === 'train').slice(0, 20);
const byClass = new Map<number, number[]>();
for (const e of newlyLabeled) byClass.set(e.label, [...(byClass.get(e.label) ?? []), e.imageId]);
for (const e of newlyLabeled) project.db.prepare('DELETE FROM embeddings WHERE image_hash = ? AND view > 0').run(e.hash);
for (const ids of byClass.values()) applyLabels(project.db, ids, null);
const before = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config: { ...config, headSearch: 'always' }, settings: readSettings(project.db) });
log(`trained without the 20 (the previous run): test acc ${round(before.test?.accuracy ?? 0, 3)}`);
for (const [label, ids] of byClass) applyLabels(project.db, ids, run.classes.ids[label]!);
t = Date.now();
const retrain = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config, settings: readSettings(project.db) });
const retrainS = (Date.now() - t) / 1000;
const retrainHead = runDetail(project.db, retrain.runId)?.head as { warmStart?: unknown; coldReason?: string } | null;
log(`retrain head: warm start ${JSON.stringify(retrainHead?.warmStart ?? null)}${retrainHead?.coldReason ? ` (cold: ${retrainHead.coldReason})` : ''}`);
log(`retrain after 20 new labels: ${round(retrainS)} s ${JSON.stringify(retrain.timings)} (${retrain.embedded.computed} views embedded, ${retrain.embedded.cached} from cache), epochs ${retrain.epochs}, test acc ${round(retrain.test?.accuracy ?? 0, 3)}`);
// The same retrain as one click trained before head selection (the configured head alone,
// early-stopped on a hold-out, no refit), measured in this run: the speed budget is a ratio.
for (const e of newlyLabeled) project.db.prepare('DELETE FROM embeddings WHERE image_hash = ? AND view > 0').run(e.hash);
t = Date.now();
const retrainLegacy = await runTraining({ db: project.db, projectDir: project.dir, embedder, backbone: spec, backend, config: { ...config, headSearch: 'off' }, settings: readSettings(project.db) });
const retrainLegacyS = (Date.now() - t) / 1000;
log(`retrain as before head selection: ${round(retrainLegacyS)} s ${JSON.stringify(retrainLegacy.timings)}, epochs ${retrainLegacy.epochs}, test acc ${round(retrainLegacy.test?.accuracy ?? 0, 3)}`);
project.close();

// 5. Retrain from cache on 10,000 synthetic embeddings (5 classes, class-dependent means).
const synth = await syntheticRetrain(work, { spec, dim: backbone.dim, backend });
const retrain10kS = synth.seconds;
log(`retrain from cache, 10,000 synthetic embeddings: ${round(retrain10kS)} s ${JSON.stringify(synth.run.timings)}, val acc ${round(synth.run.val?.accuracy ?? 0, 3)}, epochs ${synth.run.epochs} (best ${synth.run.bestEpoch})`);
const synthLegacy = await syntheticRetrain(fs.mkdtempSync(path.join(work, 'legacy-')), { spec, dim: backbone.dim, backend, config: { headSearch: 'off' } });
log(`the same as before head selection: ${round(synthLegacy.seconds)} s ${JSON.stringify(synthLegacy.run.timings)}`);

const peakRssMb = process.resourceUsage().maxRSS / 1024;
fs.rmSync(work, { recursive: true, force: true });
const figures = {
  backend: backend.name,
  embed_engine: embedder.engine,
  embed_img_per_s: round(embedImgPerS, 1),
  wasm_embed_img_per_s: round(wasmEmbedImgPerS, 1),
  ort_raw_img_per_s: ortRawImgPerS === null ? null : round(ortRawImgPerS, 1),
  decode_img_per_s: round(decodeImgPerS, 1),
  pipeline_ceiling_img_per_s: ceiling === null ? null : round(ceiling, 1),
  embed_vs_ceiling: ceiling === null ? null : round(embedImgPerS / ceiling),
  embed_vs_wasm: round(embedImgPerS / wasmEmbedImgPerS),
  baseline_train_s: round(baseline.wallS),
  baseline_val_acc: round(baseline.accuracy, 4),
  train_s: round(trainS),
  val_acc: round(valAcc, 4),
  speedup_vs_baseline: round(baseline.wallS / trainS),
  retrain_s: round(retrainS),
  retrain_legacy_s: round(retrainLegacyS),
  retrain_vs_legacy: round(retrainS / retrainLegacyS),
  retrain_10k_s: round(retrain10kS),
  retrain_10k_legacy_s: round(synthLegacy.seconds),
  retrain_10k_vs_legacy: round(retrain10kS / synthLegacy.seconds),
  check_labels_s: round(oof.ms / 1000),
  peak_rss_mb: round(peakRssMb, 0),
};
console.log(JSON.stringify(figures));
