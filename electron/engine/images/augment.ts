// Augmentation as concrete parameters drawn from the settings' ranges. Drawing is separate
// from applying so that a view is fully described by (image hash, view index, seed).
import type { Augmentation } from '../../domain/schemas.js';
import { seededRandom, uniform } from './random.js';

export interface AugmentParams {
  flipHorizontal: boolean;
  flipVertical: boolean;
  rotationDeg: number;
  /** Fraction of each side kept by the random crop (1 = no zoom). */
  cropScale: number;
  /** Where the crop sits, 0..1 along each axis of the free space. */
  cropX: number;
  cropY: number;
  brightness: number;
  contrast: number;
  saturation: number;
}

export const IDENTITY: AugmentParams = {
  flipHorizontal: false,
  flipVertical: false,
  rotationDeg: 0,
  cropScale: 1,
  cropX: 0.5,
  cropY: 0.5,
  brightness: 1,
  contrast: 1,
  saturation: 1,
};

/** View 0 is always the untouched image; views 1..K are random draws. */
export function drawAugmentation(settings: Augmentation, key: string, view: number, seed: number): AugmentParams {
  if (view === 0) return IDENTITY;
  const random = seededRandom(`${seed}:${key}:${view}`);
  return {
    flipHorizontal: settings.flipHorizontal && random() < 0.5,
    flipVertical: settings.flipVertical && random() < 0.5,
    rotationDeg: uniform(random, -settings.rotationDeg, settings.rotationDeg),
    cropScale: uniform(random, 1 - settings.zoom, 1),
    cropX: random(),
    cropY: random(),
    brightness: uniform(random, 1 - settings.brightness, 1 + settings.brightness),
    contrast: uniform(random, 1 - settings.contrast, 1 + settings.contrast),
    saturation: uniform(random, 1 - settings.saturation, 1 + settings.saturation),
  };
}

export function isIdentity(p: AugmentParams): boolean {
  return (
    !p.flipHorizontal &&
    !p.flipVertical &&
    p.rotationDeg === 0 &&
    p.cropScale === 1 &&
    p.brightness === 1 &&
    p.contrast === 1 &&
    p.saturation === 1
  );
}
