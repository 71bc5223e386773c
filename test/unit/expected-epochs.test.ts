// The training ETA counts the epochs early stopping will most likely run, not all of them.
import { describe, expect, it } from 'vitest';
import { ExpectedEpochs } from '../../electron/engine/training/expected-epochs.js';
import { adaptivePatience } from '../../electron/engine/training/head.js';

describe('ExpectedEpochs', () => {
  it('expects a stop a patience after the best epoch, and more epochs when the loss improves', () => {
    const e = new ExpectedEpochs(50, 8, true);
    expect(e.observe(1, 0.9)).toBe(1 + adaptivePatience(8, 1));
    expect(e.observe(2, 0.95)).toBe(1 + adaptivePatience(8, 1));
    expect(e.observe(3, 0.5)).toBe(3 + adaptivePatience(8, 3));
    // Never fewer than the epochs already done, never more than configured.
    expect(new ExpectedEpochs(4, 8, true).observe(1, 0.5)).toBe(4);
  });

  it('counts every epoch without early stopping or validation loss', () => {
    expect(new ExpectedEpochs(20, 8, false).observe(1, 0.5)).toBe(20);
    expect(new ExpectedEpochs(20, 8, true).observe(1, null)).toBe(20);
  });
});
