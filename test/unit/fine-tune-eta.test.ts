// The time fine-tuning adds, as Advanced settings states it before a run: nothing when off, more
// with every epoch, block, view and image, and with the start head a refit run trains first.
import { describe, expect, it } from 'vitest';
import { FINE_TUNE_COST, fineTuneEtaSeconds } from '../../electron/domain/fine-tune-eta.js';
import { LARGE_TRAIN, trainsStartHead } from '../../electron/domain/head-plan.js';
import { TrainConfig } from '../../electron/domain/schemas.js';
import { planHead } from '../../electron/engine/training/final-head.js';
import type { Example } from '../../electron/project/examples.js';

describe('fine-tuning ETA', () => {
  const base = { images: 400, trainImages: 245, views: 1, blocks: 1, epochs: 8 };
  it('is zero with a frozen backbone and grows with the work', () => {
    expect(fineTuneEtaSeconds({ ...base, blocks: 0 })).toBe(0);
    const one = fineTuneEtaSeconds(base);
    expect(one).toBeGreaterThan(0);
    expect(fineTuneEtaSeconds({ ...base, epochs: 16 })).toBeGreaterThan(one);
    expect(fineTuneEtaSeconds({ ...base, blocks: 3 })).toBeGreaterThan(one);
    expect(fineTuneEtaSeconds({ ...base, views: 2 })).toBeGreaterThan(one);
    expect(fineTuneEtaSeconds({ ...base, images: 800 })).toBeGreaterThan(one);
  });

  it('counts the start head: 85 % of the training views for its epochs', () => {
    const without = fineTuneEtaSeconds(base);
    const withHead = fineTuneEtaSeconds({ ...base, startHeadEpochs: 60 });
    // 245 images x 2 views x 0.85 x 60 epochs at headMsPerImage.
    expect(withHead - without).toBeCloseTo((245 * 2 * 0.85 * 60 * FINE_TUNE_COST.headMsPerImage) / 1000, 0);
    expect(fineTuneEtaSeconds({ ...base, startHeadEpochs: 0 })).toBe(without);
  });
});

describe('trainsStartHead', () => {
  const defaults = { trainImages: 245, valImages: 0, refit: true, headSearch: 'auto' as const };
  it('is true when the head was refit on every training photo and no validation split is left to stop on', () => {
    expect(trainsStartHead(defaults)).toBe(true);
    expect(trainsStartHead({ ...defaults, valImages: 40 })).toBe(false);
    expect(trainsStartHead({ ...defaults, refit: false })).toBe(false);
    expect(trainsStartHead({ ...defaults, headSearch: 'off' })).toBe(false);
    // Large training sets skip selection and refit (final-head.ts).
    expect(trainsStartHead({ ...defaults, trainImages: LARGE_TRAIN + 1 })).toBe(false);
  });

  it("agrees with the engine's plan: a refit and no validation split", () => {
    const example = (i: number, split: Example['split']): Example => ({ imageId: i, hash: `h${i}`, paths: [], label: i % 2, split });
    for (const [nTrain, nVal] of [[40, 0], [40, 10], [300, 0], [300, 60], [LARGE_TRAIN + 2, 0]] as const) {
      for (const config of [TrainConfig.parse({}), TrainConfig.parse({ refit: false }), TrainConfig.parse({ headSearch: 'off' }), TrainConfig.parse({ headSearch: 'always' })]) {
        const train = Array.from({ length: nTrain }, (_, i) => example(i, 'train'));
        const val = Array.from({ length: nVal }, (_, i) => example(nTrain + i, 'val'));
        const plan = planHead(train, val, config, null);
        expect(trainsStartHead({ trainImages: nTrain, valImages: nVal, refit: config.refit, headSearch: config.headSearch }), `${nTrain}/${nVal} ${JSON.stringify(config)}`).toBe(plan.refitOn !== null && nVal === 0);
      }
    }
  });
});
