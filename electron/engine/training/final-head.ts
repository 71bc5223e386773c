// From the labeled photos to the head a run keeps. First train: choose the head
// (head-selection.ts) on k folds of the training split when the data is small, else on the
// project's validation split or a hold-out carved from train; when validation was carved from
// the training photos, refit the winner on all of them for the chosen number of epochs, so no
// label is left unused. The validation split is never trained on: it stays an honest check of
// the final head (and Evaluate's confusion cells open its photos). A retrain with the same classes and
// backbone reuses the head an earlier run chose and only refits it: selection costs several
// trainings, a retrain after a few new labels should cost one. The test split never reaches
// this module.
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../../domain/schemas.js';
import type { EmbeddingCache } from '../embeddings/cache.js';
import type { Example } from '../../project/examples.js';
import { candidateConfig, candidateL2, headCandidates, selectHead, SELECTION_FOLDS, SMALL_CLASS, stratifiedFolds, type Fold, type HeadCandidate, type HeadChoice } from './head-selection.js';
import { trainHead, type EpochStats, type LabeledKey, type TrainedHead } from './head.js';
import { ExpectedEpochs } from './expected-epochs.js';
import { holdOutValidation } from './holdout.js';
import { memberEpochs, trainRefitEnsemble } from './refit-ensemble.js';
import { searchesHead } from '../../domain/head-plan.js';

/** An earlier run's choice a retrain may reuse. */
export interface ReusableChoice {
  runId: number;
  /** The newest run with this choice (the reusing run itself, or runId): the warm start's base. */
  latestRun: number;
  choice: HeadChoice;
}

export interface HeadPlan {
  /** The photos selection scores on, fold by fold (view 0 only); empty when a choice is reused. */
  folds: Array<Fold<Example>>;
  method: HeadChoice['method'];
  /** The photos the final head is refit on (the training split), or null: the selection head is kept. */
  refitOn: Example[] | null;
  reused: ReusableChoice | null;
  /** Compare candidates (else the configured head alone). */
  search: boolean;
}

function smallestClass(examples: readonly Example[]): number {
  const counts = new Map<number, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  return Math.min(...counts.values());
}

/** The single fold of today's training: the validation split, else a seeded hold-out of train. */
function singleFold(train: Example[], val: Example[], seed: number): { fold: Fold<Example>; method: HeadChoice['method'] } {
  return val.length > 0 ? { fold: { train, val }, method: 'validation split' } : { fold: holdOutValidation(train, seed), method: 'hold-out' };
}

export function planHead(train: Example[], val: Example[], config: TrainConfig, previous: ReusableChoice | null): HeadPlan {
  const search = searchesHead(config.headSearch, train.length);
  if (!search || !config.refit) {
    const { fold, method } = singleFold(train, val, config.seed);
    return { folds: [fold], method, refitOn: null, reused: null, search };
  }
  if (previous && config.headSearch === 'auto') return { folds: [], method: previous.choice.method, refitOn: train, reused: previous, search };
  const smallest = smallestClass(train);
  if (smallest < SMALL_CLASS && smallest >= 2) {
    return { folds: stratifiedFolds(train, Math.min(SELECTION_FOLDS, smallest), config.seed), method: 'k-fold', refitOn: train, reused: null, search };
  }
  const { fold, method } = singleFold(train, val, config.seed);
  // Scored on the validation split, the winner already trained on every training photo; a
  // hold-out of train is given back by the refit. Without held-out photos (classes of 1-2
  // photos) there is nothing to choose on and nothing to refit.
  return { folds: [fold], method, refitOn: method === 'hold-out' && fold.val.length > 0 ? train : null, reused: null, search };
}

/** What the head stage is doing, shown as the job's phase: a selection can take most of it. */
export type HeadStage = 'choosing head' | 'training';

/** The refit the final head came from: photos, seeded members and the epochs each trained. */
export interface RefitDone {
  images: number;
  members: number;
  epochs: number;
}

export interface FinalHead {
  head: TrainedHead;
  /** What was refit on every training photo (null: the head is the selection's or the fold's own). */
  refit: RefitDone | null;
  /** The selection (null when an earlier run's choice was reused). */
  choice: HeadChoice | null;
  /** The winner's selection-stage probabilities on plan.folds' validation photos, in order. */
  heldOutProbs: Float32Array | null;
}

export async function trainFinalHead(options: {
  plan: HeadPlan;
  /** The cached rows of one photo (view 0 plus its usable augmented views). */
  rows: (e: Example) => LabeledKey[];
  /** The cached view-0 row of one photo, or null when it failed to embed. */
  row0: (e: Example) => LabeledKey | null;
  dim: number;
  nClasses: number;
  config: TrainConfig;
  cache: EmbeddingCache;
  checkpoint?: () => void;
  /** 'choosing head' counts candidate trainings (candidates x folds); 'training' the final head's epochs. */
  onProgress?: (done: number, total: number, stage: HeadStage) => void;
  onEpoch?: (stats: EpochStats) => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  /** A reused choice's previous head to continue for `epochs` instead of the cold refit (warm-start.ts). */
  warm?: { weights: readonly tf.Tensor[]; epochs: number } | null;
}): Promise<FinalHead> {
  const { plan, config } = options;
  const hooks = { ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}), ...(options.onBatch ? { onBatch: options.onBatch } : {}) };
  // The refit: config.refitMembers seeded heads averaged into one (refit-ensemble.ts). What it
  // trained is returned with the head, so the run records exactly that.
  const refit = async (chosen: HeadCandidate, chosenEpochs: number): Promise<{ head: TrainedHead; refit: RefitDone }> => {
    const done: RefitDone = { images: plan.refitOn!.length, members: config.refitMembers, epochs: memberEpochs(chosenEpochs, config.refitMembers) };
    const head = await trainRefitEnsemble({
      dim: options.dim,
      nClasses: options.nClasses,
      config: candidateConfig(config, chosen),
      l2: candidateL2(chosen),
      train: plan.refitOn!.flatMap(options.rows),
      cache: options.cache,
      epochs: done.epochs,
      members: done.members,
      ...hooks,
      ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
      onProgress: (d, total) => options.onProgress?.(d, total, 'training'),
    });
    return { head, refit: done };
  };
  if (plan.reused && options.warm) {
    // The previous merged head (its width is the members' units side by side) trained further
    // on every training photo; its epochs are the run's learning curve.
    const { weights, epochs } = options.warm;
    const chosen = plan.reused.choice.chosen;
    const hidden = weights.length === 4 ? weights[0]!.shape[1]! : 0;
    options.onProgress?.(0, epochs, 'training');
    const head = await trainHead({
      dim: options.dim,
      nClasses: options.nClasses,
      config: { ...candidateConfig(config, chosen), hiddenUnits: hidden },
      l2: candidateL2(chosen),
      train: plan.refitOn!.flatMap(options.rows),
      val: [],
      cache: options.cache,
      fixedEpochs: epochs,
      initialWeights: weights,
      ...hooks,
      onEpoch: (stats) => {
        options.onEpoch?.(stats);
        options.onProgress?.(stats.epoch, epochs, 'training');
      },
    });
    return { head, refit: { images: plan.refitOn!.length, members: config.refitMembers, epochs }, choice: null, heldOutProbs: null };
  }
  if (plan.reused) return { ...(await refit(plan.reused.choice.chosen, plan.reused.choice.epochs)), choice: null, heldOutProbs: null };

  const candidates = headCandidates(config, plan.search);
  const folds = plan.folds.map((f) => ({ train: f.train.flatMap(options.rows), val: f.val.map(options.row0).filter((r) => r !== null) }));
  if (candidates.length === 1 && plan.refitOn === null) {
    // Nothing to choose and nothing to refit: one head early-stopped on the fold, its epochs live.
    const expected = new ExpectedEpochs(config.epochs, config.patience, config.patience > 0 && folds[0]!.val.length > 0);
    const onEpoch = (stats: EpochStats) => {
      options.onEpoch?.(stats);
      options.onProgress?.(stats.epoch, expected.observe(stats.epoch, stats.valLoss), 'training');
    };
    options.onProgress?.(0, config.epochs, 'training');
    const head = await trainHead({ dim: options.dim, nClasses: options.nClasses, config, train: folds[0]!.train, val: folds[0]!.val, cache: options.cache, ...hooks, onEpoch });
    return { head, refit: null, choice: null, heldOutProbs: null };
  }
  const selection = await selectHead({
    dim: options.dim,
    nClasses: options.nClasses,
    config,
    cache: options.cache,
    candidates,
    folds,
    method: plan.method as HeadChoice['method'],
    keepModel: plan.refitOn === null,
    onTrained: (done, total) => options.onProgress?.(done, total, 'choosing head'),
    ...hooks,
  });
  if (selection.model) {
    // The winner's own epochs: the run's learning curve.
    for (const stats of selection.model.history) options.onEpoch?.(stats);
    return { head: selection.model, refit: null, choice: selection.choice, heldOutProbs: selection.heldOutProbs };
  }
  return { ...(await refit(selection.choice.chosen, selection.choice.epochs)), choice: selection.choice, heldOutProbs: selection.heldOutProbs };
}
