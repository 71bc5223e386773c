// The fine-tuning step of a training run, after the head has trained on frozen embeddings:
// 1. cache the activations at the cut (every image the run uses, training images in all their
//    augmented views) through the frozen lower backbone, in the project's embedding cache under
//    a backbone id of its own; 2. train the top blocks with the head (train-top.ts); 3. compute
//    the fine-tuned embeddings of every image's view 0 into a per-run cache, so evaluation and
//    predictions run through the same code as for a frozen run.
import type * as tfl from '@tensorflow/tfjs-layers';
import { StudioError } from '../../domain/result.js';
import type { Preprocessing, TrainConfig } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import { loadBackbone } from '../backbones/load.js';
import { EmbeddingCache } from '../embeddings/cache.js';
import { embedItems, type EmbedItem } from '../embeddings/pipeline.js';
import type { EpochStats } from '../training/head.js';
import { openCutBackbone } from './cut-backbone.js';
import { disposeTop, foldTop, planTop, type FoldedTop, type TopPlan } from './mobilenet-top.js';
import { embedFromCut, trainTop } from './train-top.js';

export interface FineTuneHooks {
  progress?: (phase: string, done: number, total: number) => void;
  epoch?: (stats: EpochStats) => void;
  batch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  checkpoint?: () => void;
}

export interface FineTuneInput {
  db: Db;
  runId: number;
  backbone: BackboneSpec;
  /** The installed backbone's folder (the tfjs layers model is loaded from it). */
  backboneDir: string;
  config: TrainConfig;
  preprocessing: Preprocessing;
  /** The head trained on frozen embeddings; fine-tuned in place. */
  head: tfl.Sequential;
  nClasses: number;
  train: ReadonlyArray<{ item: EmbedItem; label: number }>;
  val: ReadonlyArray<{ item: EmbedItem; label: number }>;
  /** View 0 of every image evaluation and predictions need (labeled or not). */
  predict: readonly EmbedItem[];
  hooks?: FineTuneHooks;
}

export interface FineTuneResult {
  plan: TopPlan;
  weights: FoldedTop;
  /** Fine-tuned embeddings (view 0) of every `predict` item that could be read; empty when bestEpoch is 0. */
  embeddings: EmbeddingCache;
  bestEpoch: number;
  epochs: number;
  valLossBefore: number | null;
  history: EpochStats[];
  timings: { cutMs: number; trainMs: number; embedMs: number };
}

/** Where a run's fine-tuned embeddings live in the embedding cache (never shared between runs). */
export const tunedCacheId = (backboneId: string, runId: number) => `${backboneId}@run-${runId}`;
const cutCacheId = (backboneId: string, cutLayer: string) => `${backboneId}#${cutLayer}`;

export async function fineTuneTop(input: FineTuneInput): Promise<FineTuneResult> {
  const { db, backbone, config, hooks = {} } = input;
  const loaded = await loadBackbone(input.backboneDir, backbone);
  try {
    let plan: TopPlan;
    try {
      if (!loaded.layersModel) throw new Error('it is not a Keras layers model');
      plan = planTop(loaded.layersModel, config.fineTuneBlocks);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StudioError('conflict', `${backbone.name} cannot be fine-tuned: ${reason}. Set fine-tune blocks to 0 to train with the frozen backbone.`);
    }
    const model = loaded.layersModel!;
    const cutCache = new EmbeddingCache(db, cutCacheId(backbone.id, plan.cutLayer), plan.cutShape.reduce((a, b) => a * b, 1));

    const t0 = Date.now();
    const seen = new Set<string>();
    const unique = [...input.train.map((t) => t.item), ...input.val.map((v) => v.item), ...input.predict].filter((item) => {
      const id = `${item.key.specHash}:${item.key.imageHash}:${item.key.view}`;
      return seen.has(id) ? false : (seen.add(id), true);
    });
    hooks.progress?.('caching activations', 0, unique.length);
    const embedder = await openCutBackbone(model, backbone, plan, unique.slice(0, 8).map((u) => u.paths[0]!).filter(Boolean));
    try {
      await embedItems(unique, {
        embedder,
      cache: cutCache,
      preprocessing: input.preprocessing,
      onProgress: (p) => hooks.progress?.('caching activations', p.done, p.total),
        ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
      });
    } finally {
      embedder.dispose();
    }
    const cutMs = Date.now() - t0;
    const readable = <T extends { item: EmbedItem } | EmbedItem>(list: readonly T[]) => {
      const keys = list.map((x) => ('item' in x ? x.item.key : x.key));
      const present = cutCache.hasMany(keys);
      return list.filter((_, i) => present[i]);
    };

    const initial = foldTop(model, plan);
    const t1 = Date.now();
    let tuned;
    try {
      hooks.progress?.('fine-tuning', 0, config.fineTuneEpochs);
      tuned = await trainTop({
        plan,
        initial,
        head: input.head,
        config,
        nClasses: input.nClasses,
        train: readable(input.train).map((t) => ({ key: t.item.key, label: t.label })),
        val: readable(input.val).map((v) => ({ key: v.item.key, label: v.label })),
        cache: cutCache,
        epochs: config.fineTuneEpochs,
        learningRate: config.fineTuneLearningRate,
        onEpoch: (stats) => {
          hooks.epoch?.(stats);
          hooks.progress?.('fine-tuning', stats.epoch, config.fineTuneEpochs);
        },
        ...(hooks.batch ? { onBatch: hooks.batch } : {}),
        ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
      });
    } finally {
      disposeTop(initial);
    }
    const trainMs = Date.now() - t1;

    try {
      const t2 = Date.now();
      const embeddings = new EmbeddingCache(db, tunedCacheId(backbone.id, input.runId), loaded.dim, 'float32');
      // No epoch beat the frozen blocks: the run drops them (run.ts), so nothing would read
      // their embeddings.
      if (tuned.bestEpoch > 0) {
        const keys = readable(input.predict).map((p) => p.key);
        embeddings.putMany(keys, await embedFromCut(plan, tuned.weights, cutCache, keys, hooks.checkpoint));
      }
      return {
        plan,
        weights: tuned.weights,
        embeddings,
        bestEpoch: tuned.bestEpoch,
        epochs: tuned.history.length,
        valLossBefore: tuned.valLossBefore,
        history: tuned.history,
        timings: { cutMs, trainMs, embedMs: Date.now() - t2 },
      };
    } catch (error) {
      disposeTop(tuned.weights);
      throw error;
    }
  } finally {
    loaded.dispose();
  }
}
