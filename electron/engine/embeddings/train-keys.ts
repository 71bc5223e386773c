// Training's embedding cache keys and the views a one-click Train embeds, shared by training and
// by the import that embeds ahead of it (issue 21), so a Train right after an import finds every
// vector the import computed: view 0 (the plain image) and the default augmented views.
import type { Augmentation, Preprocessing, Settings } from '../../domain/schemas.js';
import { TrainConfig } from '../../domain/schemas.js';
import { DEFAULT_SETTINGS } from '../../project/settings.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import { drawAugmentation, type AugmentParams } from '../images/augment.js';
import { specHash, type CacheKey } from './cache.js';

export function runPreprocessing(backbone: BackboneSpec, settings: Settings): Preprocessing {
  const { resampling, colourProfile } = settings.preprocessing;
  // Left out when absent, so a legacy spec (and its embedding cache key) stays byte-identical.
  return {
    inputSize: backbone.input.size,
    resizeMode: settings.preprocessing.resizeMode,
    scaling: backbone.input.scaling,
    ...(resampling ? { resampling } : {}),
    ...(colourProfile ? { colourProfile } : {}),
  };
}

/** Training's key for one view of an image (augmentation and seed do not enter a view-0 key). */
export function trainKey(preprocessing: Preprocessing, augmentation: Augmentation, seed: number, imageHash: string, view: number): CacheKey {
  return { imageHash, view, specHash: specHash(preprocessing, view, augmentation, seed) };
}

/** Training's key for view 0. */
export function viewZeroKey(preprocessing: Preprocessing, imageHash: string): CacheKey {
  return trainKey(preprocessing, DEFAULT_SETTINGS.augmentation, 0, imageHash, 0);
}

/**
 * The views a one-click Train embeds for a training image under the project's settings:
 * 0 (plain) and 1..K augmented, K = the augmentation setting, drawn with the default seed.
 */
export interface TrainViews {
  preprocessing: Preprocessing;
  augmentation: Augmentation;
  seed: number;
  /** K: augmented views per training image. */
  views: number;
}

export function oneClickViews(preprocessing: Preprocessing, settings: Settings): TrainViews {
  return { preprocessing, augmentation: settings.augmentation, seed: TrainConfig.parse({}).seed, views: settings.augmentation.views };
}

export function viewKey(plan: TrainViews, imageHash: string, view: number): CacheKey {
  return trainKey(plan.preprocessing, plan.augmentation, plan.seed, imageHash, view);
}

/** The augmentation of one view, exactly as training draws it. */
export function viewAugment(plan: TrainViews, imageHash: string, view: number): AugmentParams {
  return drawAugmentation(plan.augmentation, imageHash, view, plan.seed);
}
