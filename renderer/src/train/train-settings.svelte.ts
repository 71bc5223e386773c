// The advanced training settings, starting at the contract's own defaults (the one-click train
// uses them too). Off, a run takes the studio's defaults; on, exactly what the panel shows.
import { TrainConfig } from '../../../electron/domain/schemas';
import type { TrainConfigInput } from './train-session.svelte';

export const TRAIN_DEFAULTS = TrainConfig.parse({});

export class TrainSettings {
  advanced = $state(false);
  backboneId = $state('');
  hiddenUnits = $state(TRAIN_DEFAULTS.hiddenUnits);
  dropout = $state(TRAIN_DEFAULTS.dropout);
  epochs = $state(TRAIN_DEFAULTS.epochs);
  learningRate = $state(TRAIN_DEFAULTS.learningRate);
  batchSize = $state(TRAIN_DEFAULTS.batchSize);
  patience = $state(TRAIN_DEFAULTS.patience);
  classWeights = $state(TRAIN_DEFAULTS.classWeights);
  labelSmoothing = $state(TRAIN_DEFAULTS.labelSmoothing);
  /** Null: the project's augmentation setting. */
  augmentViews = $state<number | null>(null);
  seed = $state(TRAIN_DEFAULTS.seed);
  refitMembers = $state(TRAIN_DEFAULTS.refitMembers);
  fineTuneBlocks = $state(TRAIN_DEFAULTS.fineTuneBlocks);
  fineTuneLearningRate = $state(TRAIN_DEFAULTS.fineTuneLearningRate);
  fineTuneEpochs = $state(TRAIN_DEFAULTS.fineTuneEpochs);

  /** What train:start is given. */
  config(): TrainConfigInput {
    if (!this.advanced) return {};
    return {
      ...(this.backboneId ? { backboneId: this.backboneId } : {}),
      hiddenUnits: this.hiddenUnits,
      dropout: this.dropout,
      epochs: this.epochs,
      learningRate: this.learningRate,
      batchSize: this.batchSize,
      patience: this.patience,
      classWeights: this.classWeights,
      labelSmoothing: this.labelSmoothing,
      seed: this.seed,
      refitMembers: this.refitMembers,
      fineTuneBlocks: this.fineTuneBlocks,
      fineTuneLearningRate: this.fineTuneLearningRate,
      fineTuneEpochs: this.fineTuneEpochs,
      ...(this.augmentViews === null ? {} : { augmentViews: this.augmentViews }),
    };
  }
}
