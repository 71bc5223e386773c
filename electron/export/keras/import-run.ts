// Importing a .keras model as a run of the project: typically the training bundle's
// output/model.keras after train.py continued the head on a bigger machine. The model must be the
// project's classifier (same classes in the same order, same backbone with unchanged weights —
// see keras-run.ts); its head becomes the run's saved head, and the run is then evaluated on the
// project's validation and test splits and predicts every image, as a trained run does, so that
// Evaluate, the queues and every export work on it unchanged.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assignSplits } from '../../dataset/splits.js';
import { StudioError } from '../../domain/result.js';
import { TrainConfig, type Settings, type SplitMetrics } from '../../domain/schemas.js';
import type { BackendInfo } from '../../engine/backend.js';
import type { BackboneSpec } from '../../engine/backbones/catalogue.js';
import type { Embedder } from '../../engine/embedder.js';
import { EmbeddingCache, specHash, type CacheKey } from '../../engine/embeddings/cache.js';
import { embedItems } from '../../engine/embeddings/pipeline.js';
import { drawAugmentation } from '../../engine/images/augment.js';
import { toDisk } from '../../engine/model-files.js';
import { predictCached } from '../../engine/training/head.js';
import { splitMetrics, uncertainty } from '../../engine/training/metrics.js';
import { holdOutValidation } from '../../engine/training/holdout.js';
import { runRecordConfig, type RunRecordConfig } from '../../engine/training/run.js';
import type { Db } from '../../project/database.js';
import { loadExamples, runClasses, type Example } from '../../project/examples.js';
import { writePredictions, type PredictionRow } from '../../project/predictions.js';
import { finishRunWithModel } from '../../project/models.js';
import { createRun, finishRun, setRunEmbedEngine } from '../../project/runs.js';
import { checkClasses, kerasRunHead } from './keras-run.js';
import { preprocessingOf, readKerasSideSpec, type KerasSideSpec } from './side-spec.js';
import { readKeras, type ReadKeras } from './read-keras.js';

export interface KerasRunFile {
  file: string;
  sha256: string;
  read: ReadKeras;
  side: KerasSideSpec;
}

/** The .keras file and the preprocessing.json beside it (train.py copies it into output/). */
export async function readKerasRunFile(file: string): Promise<KerasRunFile> {
  const resolved = path.resolve(file);
  const side = readKerasSideSpec(resolved);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(resolved);
  } catch (error) {
    throw new StudioError('not_found', `Cannot read ${resolved}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let read: ReadKeras;
  try {
    read = await readKeras(new Uint8Array(bytes));
  } catch (error) {
    throw new StudioError('invalid_payload', `${path.basename(resolved)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { file: resolved, sha256: createHash('sha256').update(bytes).digest('hex'), read, side };
}

/** What an imported run records about itself: a run's config plus where it came from. */
export interface ImportedRunConfig extends RunRecordConfig {
  imported: { format: 'keras'; file: string; sha256: string; kerasVersion: string | null };
}

export interface KerasRunImportInput {
  db: Db;
  projectDir: string;
  model: KerasRunFile;
  embedder: Embedder;
  /** The installed backbone as a tfjs layers model, to check the Keras model's backbone against. */
  backboneLayers: import('@tensorflow/tfjs-layers').LayersModel;
  backbone: BackboneSpec;
  backboneSha256?: string;
  backend: BackendInfo;
  settings: Settings;
  progress?: (phase: string, done: number, total: number) => void;
  checkpoint?: () => void;
}

export interface KerasRunImported {
  runId: number;
  modelId: number;
  classNames: string[];
  val: SplitMetrics | null;
  test: SplitMetrics | null;
}

export async function importKerasRun(input: KerasRunImportInput): Promise<KerasRunImported> {
  const { db, model, embedder, backbone, settings } = input;
  const progress = input.progress ?? (() => undefined);
  const checkpoint = input.checkpoint ?? (() => undefined);
  if (model.side.backboneId !== backbone.id) throw new StudioError('internal', `The model names backbone "${model.side.backboneId}", not "${backbone.id}".`);
  const preprocessing = preprocessingOf(model.side);
  if (preprocessing.inputSize !== backbone.input.size || preprocessing.scaling !== backbone.input.scaling) {
    throw new StudioError('conflict', `The model takes ${preprocessing.inputSize}px "${preprocessing.scaling}" input; ${backbone.name} takes ${backbone.input.size}px "${backbone.input.scaling}".`);
  }

  assignSplits(db, settings.split);
  const classes = runClasses(db);
  checkClasses(model.side.labels, classes.names);
  const base = TrainConfig.parse({ backboneId: backbone.id, augmentViews: 0, outOfFoldK: 0 });
  const { head, config: headConfig } = kerasRunHead(model.read, input.backboneLayers, preprocessing, backbone.name, classes.ids.length, base.seed);
  try {
    const runConfig: ImportedRunConfig = {
      ...runRecordConfig({ ...base, ...headConfig }, { backbone, backboneSha256: input.backboneSha256, embeddingDim: embedder.dim, classes, preprocessing, augmentation: settings.augmentation, views: 0 }),
      imported: { format: 'keras', file: model.file, sha256: model.sha256, kerasVersion: typeof model.read.metadata['keras_version'] === 'string' ? model.read.metadata['keras_version'] : null },
    };
    const started = Date.now();
    const runId = createRun(db, runConfig, input.backend.name);
    setRunEmbedEngine(db, runId, embedder.engine);
    try {
      const examples = loadExamples(db, classes);
      const labeled = examples.filter((e) => e.label >= 0);
      let val = labeled.filter((e) => e.split === 'val');
      const test = labeled.filter((e) => e.split === 'test');
      // The same validation images a trained run of this project holds out when there is no val split.
      if (val.length === 0) val = holdOutValidation(labeled.filter((e) => e.split === 'train'), base.seed).val;

      // Every image's view-0 embedding, the cache shared with trained runs (same key).
      const cache = new EmbeddingCache(db, backbone.id, embedder.dim);
      const key = (e: Example): CacheKey => ({ imageHash: e.hash, view: 0, specHash: specHash(preprocessing, 0, settings.augmentation, base.seed) });
      const tEmbed = Date.now();
      const embedded = await embedItems(
        examples.map((e) => ({ key: key(e), paths: e.paths, augment: drawAugmentation(settings.augmentation, e.hash, 0, base.seed) })),
        { embedder, cache, preprocessing, onProgress: (p) => progress('embedding', p.done, p.total), checkpoint },
      );
      const embedMs = Date.now() - tEmbed;
      const cached = cache.hasMany(examples.map(key));
      const present = new Set(examples.filter((_, i) => cached[i]).map((e) => e.imageId));
      const ok = (e: Example) => present.has(e.imageId);

      const tEval = Date.now();
      progress('evaluating', 0, 2);
      const evaluate = async (set: Example[]) => {
        const usable = set.filter(ok);
        if (usable.length === 0) return null;
        const probs = await predictCached(head, cache, usable.map(key), classes.ids.length);
        return splitMetrics(probs, usable.map((e) => e.label), usable.map((e) => e.imageId), classes);
      };
      const valMetrics = await evaluate(val);
      const testMetrics = await evaluate(test);
      const evaluateMs = Date.now() - tEval;

      const tPredict = Date.now();
      progress('predicting', 0, 1);
      const predictable = examples.filter(ok);
      const probs = await predictCached(head, cache, predictable.map(key), classes.ids.length);
      const k = classes.ids.length;
      const rows: PredictionRow[] = predictable.map((e, row) => {
        const u = uncertainty(probs, row, k);
        const given = e.label >= 0 ? probs[row * k + e.label]! : null;
        return { imageId: e.imageId, classId: classes.ids[u.top]!, confidence: u.confidence, margin: u.margin, entropy: u.entropy, probs: probs.slice(row * k, (row + 1) * k), loss: given === null ? null : -Math.log(Math.max(given, 1e-7)), oofLabelProb: null };
      });
      writePredictions(db, runId, rows);
      const predictMs = Date.now() - tPredict;

      progress('saving', 0, 1);
      const modelDir = path.join(input.projectDir, 'models', `run-${runId}`);
      fs.mkdirSync(path.dirname(modelDir), { recursive: true });
      await head.save(toDisk(modelDir, { 'labels.json': JSON.stringify(classes.names), 'preprocessing.json': JSON.stringify({ ...preprocessing, backboneId: backbone.id }) }));
      const modelId = finishRunWithModel(
        db,
        { runId, backboneId: backbone.id, preprocessing, labels: classes.names, path: path.relative(input.projectDir, modelDir), metrics: { val: valMetrics?.accuracy ?? null, test: testMetrics?.accuracy ?? null } },
        {
          metrics: { val: valMetrics, test: testMetrics, bestEpoch: 0, epochs: 0, batchSize: 0, failed: embedded.failed.slice(0, 100), imported: runConfig.imported },
          timings: { embedMs, trainMs: 0, evaluateMs, predictMs, totalMs: Date.now() - started },
        },
      );
      progress('saving', 1, 1);
      return { runId, modelId, classNames: classes.names, val: valMetrics, test: testMetrics };
    } catch (error) {
      const cancelled = error instanceof StudioError && error.code === 'cancelled';
      finishRun(db, runId, cancelled ? 'cancelled' : 'failed', cancelled ? {} : { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  } finally {
    head.dispose();
  }
}
