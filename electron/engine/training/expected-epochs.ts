// How many epochs a training will most likely run, for its progress and ETA: with early
// stopping it ends `adaptivePatience` epochs after the best validation loss so far (the rule
// head.ts applies), so at epoch 1 the ETA counts a few epochs, not all of config.epochs. The
// estimate grows again each time the validation loss improves.
import { adaptivePatience } from './head.js';

/** Improvement smaller than this is no improvement (as in head.ts). */
const MIN_DELTA = 1e-4;

export class ExpectedEpochs {
  private best: { epoch: number; loss: number } | null = null;

  constructor(
    private readonly epochs: number,
    private readonly patience: number,
    private readonly earlyStopping: boolean,
  ) {}

  /** The total to report after `epoch` with this validation loss. */
  observe(epoch: number, valLoss: number | null): number {
    if (!this.earlyStopping || valLoss === null) return this.epochs;
    if (!this.best || valLoss < this.best.loss - MIN_DELTA) this.best = { epoch, loss: valLoss };
    const stop = this.best.epoch + adaptivePatience(this.patience, this.best.epoch);
    return Math.max(epoch, Math.min(this.epochs, stop));
  }
}
