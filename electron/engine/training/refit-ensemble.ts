// The refit as an ensemble: the chosen head trained on every training photo several times with
// different seeds (initialization, batch order, dropout masks) and merged into one ordinary head
// (merge-heads.ts). On small datasets a single MLP refit for a handful of epochs lands wherever
// its seed puts it: on flower_photos_small's 40 test photos the same recipe scored 0.75 to 0.85
// from seed to seed (bench:accuracy, sd 0.045); averaging members cancels most of that spread.
// Members train ENSEMBLE_EXTRA_EPOCHS past the epoch selection found best for one head: that
// epoch is where ONE head's held-out loss bottoms out, before its variance grows; averaging
// cancels much of that variance, so members gain from fitting further. Measured
// (test/bench/refit-variants.ts MODE=fixed, 5 seeds, train → val, 3 members): flowers 0.845 at the chosen
// epochs, 0.88 five epochs further; hymenoptera 0.901 and 0.909.
// The ensemble's history is member 0's (the run's learning curve); progress counts every
// member's epochs.
import type { TrainConfig } from '../../domain/schemas.js';
import type { EpochStats, HeadTrainingOptions, TrainedHead } from './head.js';
import { trainHead } from './head.js';
import { memberSeed, mergeHeads } from './merge-heads.js';

/** Epochs each member trains past the single head's best (see above). */
export const ENSEMBLE_EXTRA_EPOCHS = 5;

/** The epochs a refit of `members` heads trains each one, given the epochs selection chose. */
export function memberEpochs(chosenEpochs: number, members: number): number {
  return members > 1 ? chosenEpochs + ENSEMBLE_EXTRA_EPOCHS : chosenEpochs;
}

export async function trainRefitEnsemble(
  options: Omit<HeadTrainingOptions, 'onEpoch' | 'val' | 'fixedEpochs'> & {
    /** The epochs each member trains (memberEpochs()). */
    epochs: number;
    members: number;
    onEpoch?: (stats: EpochStats) => void;
    /** Epochs done over every member's epochs. */
    onProgress?: (done: number, total: number) => void;
  },
): Promise<TrainedHead> {
  const { members, epochs, onEpoch, onProgress, ...head } = options;
  const count = Math.max(1, members);
  const trained: TrainedHead[] = [];
  // The stage shows at once, with every member's epochs counted.
  onProgress?.(0, count * epochs);
  try {
    for (let j = 0; j < count; j++) {
      const config: TrainConfig = { ...head.config, seed: memberSeed(head.config.seed, j) };
      trained.push(
        await trainHead({
          ...head,
          config,
          val: [],
          fixedEpochs: epochs,
          onEpoch: (stats) => {
            if (j === 0) onEpoch?.(stats);
            onProgress?.(j * epochs + stats.epoch, count * epochs);
          },
        }),
      );
    }
    const model = mergeHeads(
      trained.map((t) => t.model),
      head.config,
    );
    const first = trained[0]!;
    if (count > 1) trained.forEach((t) => t.model.dispose());
    return { ...first, model };
  } catch (error) {
    trained.forEach((t) => t.model.dispose());
    throw error;
  }
}
