// Where fine-tuning starts and what it stops on. Fine-tuning keeps its best epoch by the loss on
// photos it does not train on, and epoch 0 (the frozen backbone under the start head) is one of
// the epochs compared: that comparison is only fair if the start head has not seen those photos
// either. The final head of a run that refit (head selection on k folds or a hold-out) has seen
// every training photo, so it cannot be the start: a head of the chosen kind is trained on the
// rest of train, early-stopped on a seeded hold-out, and fine-tuning starts from it and stops on
// that hold-out. With a validation split (never trained on by any head) the final head is the
// start and the validation split the stop set.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../domain/schemas.js';
import type { Example } from '../../project/examples.js';
import type { EmbeddingCache } from '../embeddings/cache.js';
import { candidateConfig, candidateL2, type HeadCandidate } from '../training/head-selection.js';
import { trainHead, type LabeledKey } from '../training/head.js';
import { holdOutValidation } from '../training/holdout.js';

export interface FineTuneStart {
  /** The head fine-tuning trains further (in place). */
  head: tfl.Sequential;
  /** Fine-tuning trains on `train` and stops on `stop`; no photo of `stop` trained `head`. */
  train: Example[];
  stop: Example[];
  /** True when `head` was trained here (the caller owns it); false: it is the run's final head. */
  own: boolean;
}

export async function fineTuneStart(options: {
  /** The run's final head and whether it was trained on every training photo (a refit). */
  finalHead: tfl.Sequential;
  refit: boolean;
  /** The head kind the run chose (or the configured one). */
  chosen: HeadCandidate;
  train: Example[];
  valSplit: Example[];
  config: TrainConfig;
  rows: (e: Example) => LabeledKey[];
  row0: (e: Example) => LabeledKey | null;
  dim: number;
  nClasses: number;
  cache: EmbeddingCache;
  checkpoint?: () => void;
}): Promise<FineTuneStart> {
  const { config } = options;
  if (options.valSplit.length > 0) return { head: options.finalHead, train: options.train, stop: options.valSplit, own: false };
  const fold = holdOutValidation(options.train, config.seed);
  // Without a refit the final head is the one early-stopped on this very hold-out (final-head.ts
  // plans the same seeded hold-out): it never trained on it.
  if (!options.refit) return { head: options.finalHead, train: fold.train, stop: fold.val, own: false };
  const start = await trainHead({
    dim: options.dim,
    nClasses: options.nClasses,
    config: candidateConfig(config, options.chosen),
    l2: candidateL2(options.chosen),
    train: fold.train.flatMap(options.rows),
    val: fold.val.map(options.row0).filter((r) => r !== null),
    cache: options.cache,
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
  });
  return { head: start.model, train: fold.train, stop: fold.val, own: true };
}
