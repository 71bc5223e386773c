// The plain (view 0) embedding of an image under a project's backbone: its preprocessing and its
// cache key, shared by training and by the import that embeds ahead of it (issue 21), so a Train
// right after an import finds every vector the import computed.
import type { Preprocessing, Settings } from '../../domain/schemas.js';
import { DEFAULT_SETTINGS } from '../../project/settings.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import { specHash, type CacheKey } from './cache.js';

export function runPreprocessing(backbone: BackboneSpec, settings: Settings): Preprocessing {
  const { resampling } = settings.preprocessing;
  // Left out when absent, so a legacy spec (and its embedding cache key) stays byte-identical.
  return { inputSize: backbone.input.size, resizeMode: settings.preprocessing.resizeMode, scaling: backbone.input.scaling, ...(resampling ? { resampling } : {}) };
}

/** Training's key for view 0 (augmentation and seed do not enter a view-0 key). */
export function viewZeroKey(preprocessing: Preprocessing, imageHash: string): CacheKey {
  return { imageHash, view: 0, specHash: specHash(preprocessing, 0, DEFAULT_SETTINGS.augmentation, 0) };
}
