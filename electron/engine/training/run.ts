// One training run from start to finish: splits, embeddings (cached), the head, evaluation,
// predictions for every image, out-of-fold label checks, and the saved model — each step
// recorded in the project database so that a crash leaves a run marked, never a half truth.
import fs from 'node:fs';
import path from 'node:path';
import { assignSplits } from '../../dataset/splits.js';
import { StudioError } from '../../domain/result.js';
import type { Preprocessing, Settings, SplitMetrics, TrainConfig } from '../../domain/schemas.js';
import { inTransaction, type Db } from '../../project/database.js';
import { insertRunModel } from '../../project/models.js';
import { writePredictions, type PredictionRow } from '../../project/predictions.js';
import { createRun, finishRun, latestHeadChoice, recordEpoch, runConfigJson, setRunEmbedEngine } from '../../project/runs.js';
import type { BackendInfo } from '../backend.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import type { Embedder } from '../embedder.js';
import { EmbeddingCache, type CacheKey } from '../embeddings/cache.js';
import { embedItems, type EmbedItem } from '../embeddings/pipeline.js';
import { runPreprocessing, trainKey } from '../embeddings/train-keys.js';
import { drawAugmentation } from '../images/augment.js';
import { toDisk } from '../model-files.js';
import { loadExamples, runClasses, type Example, type RunClasses } from '../../project/examples.js';
import { planHead, trainFinalHead, type HeadStage, type RefitDone } from './final-head.js';
import { predictCached, type EpochStats, type LabeledKey } from './head.js';
import type { HeadRecord } from './head-record.js';
import { splitMetrics, uncertainty } from './metrics.js';
import { rebuildDamagedEmbeddingCache } from '../../project/integrity.js';
import { fineTuneTop, tunedCacheId, type FineTuneResult } from '../finetune/fine-tune-run.js';
import { disposeTop } from '../finetune/mobilenet-top.js';
import { saveTunedTop } from '../finetune/tuned-files.js';
import { fineTuneStart, type FineTuneStart } from '../finetune/start-head.js';
import { configuredHead, type HeadChoice } from './head-selection.js';
import { labelBookmark } from '../../project/label-history.js';
import { headSignature, loadWarmStart, trainingSetDigest, type WarmStart } from './warm-start.js';

export type TrainPhase = 'preparing' | 'embedding' | HeadStage | 'evaluating' | 'predicting' | 'saving';

export interface TrainHooks {
  progress?: (phase: TrainPhase, done: number, total: number) => void;
  epoch?: (runId: number, stats: EpochStats) => void;
  batch?: (runId: number, epoch: number, batch: number, loss: number) => void;
  /** Throws to cancel; called between batches. */
  checkpoint?: () => void;
  /** The run id, as soon as the run row exists. */
  started?: (runId: number) => void;
}

export interface TrainInput {
  db: Db;
  projectDir: string;
  embedder: Embedder;
  backbone: BackboneSpec;
  /** installDigest() of the backbone's files: which weights the run really used. */
  backboneSha256?: string;
  /** The installed backbone's folder: fine-tuning loads the tfjs layers model from it. */
  backboneDir?: string;
  backend: BackendInfo;
  config: TrainConfig;
  settings: Settings;
  hooks?: TrainHooks;
}

export interface TrainResult {
  runId: number;
  modelId: number;
  classes: RunClasses;
  val: SplitMetrics | null;
  test: SplitMetrics | null;
  bestEpoch: number;
  epochs: number;
  timings: { embedMs: number; trainMs: number; evaluateMs: number; predictMs: number; totalMs: number };
  embedded: { computed: number; cached: number; failed: number };
}

/** What a run records about itself (runs.config): enough to re-derive every cache key. */
export interface RunRecordConfig extends TrainConfig {
  backboneId: string;
  /** The backbone as the run used it (absent in runs recorded before this was kept). */
  backboneName?: string;
  backboneSha256?: string;
  embeddingDim: number;
  classIds: number[];
  classNames: string[];
  preprocessing: Preprocessing;
  augmentation: Settings['augmentation'];
  views: number;
}

/** The run record's fields beyond the training settings: one builder for trained and imported runs. */
export function runRecordConfig(
  config: TrainConfig,
  run: { backbone: BackboneSpec; backboneSha256?: string | undefined; embeddingDim: number; classes: RunClasses; preprocessing: Preprocessing; augmentation: Settings['augmentation']; views: number },
): RunRecordConfig {
  return {
    ...config,
    backboneId: run.backbone.id,
    backboneName: run.backbone.name,
    ...(run.backboneSha256 ? { backboneSha256: run.backboneSha256 } : {}),
    embeddingDim: run.embeddingDim,
    classIds: run.classes.ids,
    classNames: run.classes.names,
    preprocessing: run.preprocessing,
    augmentation: run.augmentation,
    views: run.views,
  };
}

export function readRunConfig(db: Db, runId: number): RunRecordConfig {
  const raw = runConfigJson(db, runId);
  if (raw === undefined) throw new StudioError('not_found', `There is no run ${runId}.`);
  return JSON.parse(raw) as RunRecordConfig;
}

/** What a run records about its refit (as the final head reports it): photos, seeded members and each member's epochs. */
function refitRecord(refit: RefitDone | null): Pick<HeadRecord, 'refitImages' | 'refitMembers' | 'refitEpochs'> {
  return refit ? { refitImages: refit.images, refitMembers: refit.members, refitEpochs: refit.epochs } : { refitImages: null, refitMembers: null, refitEpochs: null };
}

/** The selection's own fields of a stored head record (not what the run that stored it did with it). */
function choiceOf(head: HeadChoice): HeadChoice {
  return { method: head.method, folds: head.folds, chosen: head.chosen, epochs: head.epochs, scores: head.scores };
}

function keyFor(example: Example, view: number, preprocessing: Preprocessing, settings: Settings, seed: number): CacheKey {
  return trainKey(preprocessing, settings.augmentation, seed, example.hash, view);
}

export async function runTraining(input: TrainInput): Promise<TrainResult> {
  const { db, embedder, backbone, config, settings } = input;
  const hooks = input.hooks ?? {};
  const started = Date.now();
  const checkpoint = () => hooks.checkpoint?.();

  // Images without a split get the dataset's stratified, seeded one (near duplicates kept together).
  assignSplits(db, settings.split);
  const classes = runClasses(db);
  if (classes.ids.length < 2) throw new StudioError('conflict', 'Label images of at least two classes before training.');
  const examples = loadExamples(db, classes);
  // Where the label history stands as the photos are read: a later retrain counts the changes since.
  const bookmark = labelBookmark(db);
  const labeled = examples.filter((e) => e.label >= 0);
  const train = labeled.filter((e) => e.split === 'train');
  const test = labeled.filter((e) => e.split === 'test');
  // Selection folds (the validation split, a hold-out or k folds), a refit on train + val, or a
  // retrain's reuse of an earlier run's choice.
  const valSplit = labeled.filter((e) => e.split === 'val');
  const plan = planHead(train, valSplit, config, latestHeadChoice(db, backbone.id, classes.ids));
  // The photos scored as validation: the validation split, else the selection's held-out training photos.
  const val = valSplit.length > 0 ? valSplit : plan.folds.flatMap((f) => f.val);
  const missing = classes.names.filter((_, c) => !train.some((e) => e.label === c));
  if (missing.length) throw new StudioError('conflict', `These classes have no training images: ${missing.join(', ')}. Label more images or move some into the train split.`);

  const preprocessing = runPreprocessing(backbone, settings);
  const views = config.augmentViews ?? settings.augmentation.views;
  const runConfig = runRecordConfig(config, { backbone, backboneSha256: input.backboneSha256, embeddingDim: embedder.dim, classes, preprocessing, augmentation: settings.augmentation, views });
  const runId = createRun(db, runConfig, input.backend.name);
  setRunEmbedEngine(db, runId, embedder.engine);
  hooks.started?.(runId);

  try {
    // The cache is only a cache: damaged pages in it cost a re-embedding, not the run.
    if (rebuildDamagedEmbeddingCache(db)) console.warn('The embedding cache was damaged; it was dropped and is being rebuilt from the images.');
    const cache = new EmbeddingCache(db, backbone.id, embedder.dim);
    const key = (e: Example, view: number) => keyFor(e, view, preprocessing, settings, config.seed);
    const item = (e: Example, view: number): EmbedItem => ({
      key: key(e, view),
      paths: e.paths,
      augment: drawAugmentation(settings.augmentation, e.hash, view, config.seed),
    });

    // 1. Embeddings: every labeled image once, the images a head trains on also in K augmented views.
    const trainedOn = plan.refitOn ?? (plan.folds.length === 1 ? plan.folds[0]!.train : train);
    const items = [...labeled.map((e) => item(e, 0)), ...trainedOn.flatMap((e) => Array.from({ length: views }, (_, v) => item(e, v + 1)))];
    hooks.progress?.('embedding', 0, items.length);
    const tEmbed = Date.now();
    const embedded = await embedItems(items, {
      embedder,
      cache,
      preprocessing,
      onProgress: (p) => hooks.progress?.('embedding', p.done, p.total),
      checkpoint,
    });
    const embedMs = Date.now() - tEmbed;
    const failedHashes = new Set(embedded.failed.map((f) => `${f.key.imageHash}:${f.key.view}`));
    const usable = (e: Example, view: number) => !failedHashes.has(`${e.hash}:${view}`);

    // 2. The head: chosen by validation (or an earlier run's choice), refit on train + val.
    const rows = (e: Example): LabeledKey[] => [0, ...Array.from({ length: views }, (_, v) => v + 1)].filter((v) => usable(e, v)).map((v) => ({ key: key(e, v), label: e.label }));
    const row0 = (e: Example): LabeledKey | null => (usable(e, 0) ? { key: key(e, 0), label: e.label } : null);
    const tTrain = Date.now();
    // A retrain that reuses a choice starts from the previous run's head where that is fair (warm-start.ts).
    const trainDigest = plan.refitOn ? trainingSetDigest(plan.refitOn) : null;
    let warm: WarmStart | null = null;
    if (plan.reused) {
      const chosen = plan.reused.choice.chosen;
      warm = await loadWarmStart(db, input.projectDir, plan.reused.latestRun, {
        signature: headSignature(runConfig),
        chosen,
        trainDigest: trainDigest!,
        trainImages: plan.refitOn!.length,
        fineTuneBlocks: config.fineTuneBlocks,
        dim: embedder.dim,
        nClasses: classes.ids.length,
        hidden: chosen.kind === 'mlp' ? chosen.param * config.refitMembers : 0,
      });
    }
    const warmHead = warm && 'weights' in warm ? warm : null;
    const warmRecord = warmHead?.record ?? null;
    // Every epoch reads the training rows and the validation photos again: from memory, not SQLite.
    // Exactly the rows the head stage reads: every view of the photos heads train on, view 0 of
    // the rest (a hold-out's augmented views were never embedded, and asking for them threw).
    cache.keepInMemory([...trainedOn.flatMap(rows), ...[...train, ...val].flatMap((e) => row0(e) ?? [])].map((r) => r.key));
    const final = await trainFinalHead({
      warm: warmHead && { weights: warmHead.weights, epochs: warmHead.record.epochs },
      plan,
      rows,
      row0,
      dim: embedder.dim,
      nClasses: classes.ids.length,
      config,
      cache,
      checkpoint,
      onProgress: (done, total, stage) => hooks.progress?.(stage, done, total),
      onEpoch: (stats) => {
        recordEpoch(db, runId, stats);
        hooks.epoch?.(runId, stats);
      },
      onBatch: (epoch, batch, _batches, loss) => hooks.batch?.(runId, epoch, batch, loss),
    }).finally(() => {
      warmHead?.weights.forEach((w) => w.dispose());
    });
    const { choice, heldOutProbs } = final;
    let head = final.head;
    let trainMs = Date.now() - tTrain;

    // 2b. Fine-tuning the top backbone blocks with the head (finetune/), when asked for: from a
    // head that has not seen the photos it stops on (start-head.ts). Kept only if some epoch beat
    // the frozen backbone there; else the run keeps its final head on the frozen backbone.
    let tuned: FineTuneResult | null = null;
    let fineTuneRecord: Record<string, unknown> | null = null;
    if (config.fineTuneBlocks > 0) {
      if (!input.backboneDir) throw new StudioError('internal', 'Fine-tuning needs the backbone folder.');
      const tFine = Date.now();
      let start: FineTuneStart | null = null;
      try {
        const chosen = choice?.chosen ?? plan.reused?.choice.chosen ?? configuredHead(config);
        start = await fineTuneStart({ finalHead: head.model, refit: plan.refitOn !== null, chosen, train, valSplit, config, rows, row0, dim: embedder.dim, nClasses: classes.ids.length, cache, checkpoint });
        tuned = await fineTuneTop({
          db,
          runId,
          backbone,
          backboneDir: input.backboneDir,
          config,
          preprocessing,
          head: start.head,
          nClasses: classes.ids.length,
          train: start.train.flatMap((e) => [0, ...Array.from({ length: views }, (_, v) => v + 1)].filter((v) => usable(e, v)).map((v) => ({ item: item(e, v), label: e.label }))),
          val: start.stop.filter((e) => usable(e, 0)).map((e) => ({ item: item(e, 0), label: e.label })),
          predict: examples.map((e) => item(e, 0)),
          hooks: {
            progress: (phase, done, total) => hooks.progress?.(phase as TrainPhase, done, total),
            // Fine-tuning epochs continue the head's epoch numbering in the run's history.
            epoch: (stats) => {
              const shifted = { ...stats, epoch: head.history.length + stats.epoch };
              recordEpoch(db, runId, shifted);
              hooks.epoch?.(runId, shifted);
            },
            batch: (epoch, batch, _batches, loss) => hooks.batch?.(runId, head.history.length + epoch, batch, loss),
            checkpoint,
          },
        });
      } catch (error) {
        if (start?.own) start.head.dispose();
        head.model.dispose();
        throw error;
      }
      const kept = tuned.bestEpoch > 0;
      fineTuneRecord = { blocks: config.fineTuneBlocks, bestEpoch: tuned.bestEpoch, epochs: tuned.epochs, valLossBefore: tuned.valLossBefore, timings: tuned.timings, kept, startHead: start.own ? 'trained without the stop set' : 'final head', stopImages: start.stop.length };
      if (!kept) {
        // Nothing reads a dropped fine-tune's embeddings (`backbone@run-N`): they leave the cache.
        tuned.embeddings.dropAll();
        disposeTop(tuned.weights);
        tuned = null;
        if (start.own) start.head.dispose();
      } else if (start.own) {
        head.model.dispose();
        head = { ...head, model: start.head };
      }
      trainMs += Date.now() - tFine;
    }
    // Evaluation and predictions read the fine-tuned embeddings where the run has them.
    const evalCache = tuned?.embeddings ?? cache;

    try {
      // 3. Evaluation on val and test (test never influenced training or early stopping).
      const tEval = Date.now();
      hooks.progress?.('evaluating', 0, 2);
      const evaluate = async (set: Example[]) => {
        const ok = set.filter((e) => usable(e, 0));
        if (ok.length === 0) return null;
        const probs = await predictCached(head.model, evalCache, ok.map((e) => key(e, 0)), classes.ids.length);
        return splitMetrics(probs, ok.map((e) => e.label), ok.map((e) => e.imageId), classes);
      };
      // Photos carved from train for validation were refit on: the final head's score on them
      // would flatter, so they are scored by the selection stage's held-out predictions instead.
      const valStage: HeadRecord['valStage'] = valSplit.length > 0 || plan.refitOn === null ? 'final' : heldOutProbs ? 'selection' : 'none';
      const valOk = val.filter((e) => usable(e, 0));
      const valMetrics =
        valStage === 'final' ? await evaluate(val) : valStage === 'selection' && valOk.length ? splitMetrics(heldOutProbs!, valOk.map((e) => e.label), valOk.map((e) => e.imageId), classes) : null;
      // What a later retrain needs to judge a warm start from this run (warm-start.ts).
      const fitRecord = { ...(trainDigest ? { trainDigest, labelBookmark: bookmark } : {}), warmStart: warmRecord, ...(warm && 'refused' in warm ? { coldReason: warm.refused } : {}) };
      const headRecord: HeadRecord | null = plan.reused
        ? {
            ...choiceOf(plan.reused.choice),
            valStage,
            ...refitRecord(final.refit),
            reusedFrom: plan.reused.runId,
            ...fitRecord,
          }
        : choice && { ...choice, valStage, ...refitRecord(final.refit), reusedFrom: null, ...fitRecord };
      const testMetrics = await evaluate(test);
      const evaluateMs = Date.now() - tEval;

      // 4. Predictions for every image: unlabeled ones need their view-0 embedding first.
      const tPredict = Date.now();
      const unlabeled = examples.filter((e) => e.label < 0);
      if (unlabeled.length && !tuned) {
        await embedItems(
          unlabeled.map((e) => item(e, 0)),
          { embedder, cache, preprocessing, onProgress: (p) => hooks.progress?.('predicting', p.done, p.total), checkpoint },
        );
      }
      const cached = evalCache.hasMany(examples.map((e) => key(e, 0)));
      const predictable = examples.filter((_, i) => cached[i]);
      const probs = await predictCached(head.model, evalCache, predictable.map((e) => key(e, 0)), classes.ids.length);
      const predictMs = Date.now() - tPredict;

      const k = classes.ids.length;
      const rows: PredictionRow[] = predictable.map((e, row) => {
        const u = uncertainty(probs, row, k);
        const given = e.label >= 0 ? probs[row * k + e.label]! : null;
        return {
          imageId: e.imageId,
          classId: classes.ids[u.top]!,
          confidence: u.confidence,
          margin: u.margin,
          entropy: u.entropy,
          probs: probs.slice(row * k, (row + 1) * k),
          loss: given === null ? null : -Math.log(Math.max(given, 1e-7)),
          oofLabelProb: null,
        };
      });
      writePredictions(db, runId, rows);

      // 5. The head on disk; the backbone is referenced by id (the export joins them).
      hooks.progress?.('saving', 0, 1);
      const modelDir = path.join(input.projectDir, 'models', `run-${runId}`);
      fs.mkdirSync(path.dirname(modelDir), { recursive: true });
      await head.model.save(
        toDisk(modelDir, {
          'labels.json': JSON.stringify(classes.names),
          'preprocessing.json': JSON.stringify({ ...preprocessing, backboneId: backbone.id }),
        }),
      );
      if (tuned) await saveTunedTop(modelDir, tuned.plan, tuned.weights, { backboneId: backbone.id, blocks: config.fineTuneBlocks, bestEpoch: tuned.bestEpoch });
      const timings = { embedMs, trainMs, evaluateMs, predictMs, totalMs: Date.now() - started };
      // The model row and 'done' in one transaction: a kill between them would leave a model
      // listed for a run that then reads as interrupted.
      const modelId = inTransaction(db, () => {
        const id = insertRunModel(db, { runId, backboneId: backbone.id, preprocessing, labels: classes.names, path: path.relative(input.projectDir, modelDir), metrics: { val: valMetrics?.accuracy ?? null, test: testMetrics?.accuracy ?? null } });
        finishRun(db, runId, 'done', {
          metrics: {
            val: valMetrics,
            test: testMetrics,
            bestEpoch: head.bestEpoch,
            epochs: head.history.length,
            batchSize: head.batchSize,
            failed: embedded.failed.slice(0, 100),
            ...(headRecord ? { head: headRecord } : {}),
            ...(fineTuneRecord ? { fineTune: fineTuneRecord } : {}),
          },
          timings,
        });
        return id;
      });
      const result: TrainResult = {
        runId,
        modelId,
        classes,
        val: valMetrics,
        test: testMetrics,
        bestEpoch: head.bestEpoch,
        epochs: head.history.length,
        timings,
        embedded: { computed: embedded.embedded, cached: embedded.cached, failed: embedded.failed.length },
      };
      hooks.progress?.('saving', 1, 1);
      return result;
    } finally {
      head.model.dispose();
      if (tuned) disposeTop(tuned.weights);
    }
  } catch (error) {
    // A run that ends without its model leaves no tuned embeddings behind (nothing would read them).
    if (config.fineTuneBlocks > 0) {
      try {
        new EmbeddingCache(db, tunedCacheId(backbone.id, runId), embedder.dim, 'float32').dropAll();
      } catch (cleanup) {
        console.warn(`Run ${runId}: its fine-tuned embeddings could not be dropped: ${cleanup instanceof Error ? cleanup.message : String(cleanup)}`);
      }
    }
    const cancelled = error instanceof StudioError && error.code === 'cancelled';
    finishRun(db, runId, cancelled ? 'cancelled' : 'failed', cancelled ? {} : { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
