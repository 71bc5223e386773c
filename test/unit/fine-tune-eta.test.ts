// The time fine-tuning adds, as Advanced settings states it before a run: nothing when off, more
// with every epoch, block, view and image.
import { describe, expect, it } from 'vitest';
import { fineTuneEtaSeconds } from '../../electron/domain/fine-tune-eta.js';

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
});
