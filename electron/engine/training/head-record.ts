// What a run stores about its head (runs.metrics.head): the winner, every candidate's score,
// whether the validation figures are the selection stage's (the final head was refit on those
// photos) or the final head's own, and which earlier run's choice a retrain reused.
import type { HeadChoice } from './head-selection.js';
import type { WarmStartRecord } from './warm-start.js';

export interface HeadRecord extends HeadChoice {
  valStage: 'selection' | 'final' | 'none';
  /** Photos the winner was refit on (train + val), or null without a refit. */
  refitImages: number | null;
  /** Seeded heads the refit averaged into the final one (refit-ensemble.ts), or null without a refit. */
  refitMembers: number | null;
  /** Epochs each refit member trained (memberEpochs(epochs, refitMembers)), or null without a refit. */
  refitEpochs: number | null;
  /** The run whose selection this run reused (a retrain), or null when it selected itself. */
  reusedFrom: number | null;
  /** Digest of the photos and labels the head was fit on (warm-start.ts), on runs that refit. */
  trainDigest?: string;
  /** The label history's newest action when the run started (label-history.ts), on runs that refit. */
  labelBookmark?: number;
  /** The previous run whose head this one started from (warm-start.ts), or null: refit cold. */
  warmStart?: WarmStartRecord | null;
  /** Why a retrain that reused a choice did not start warm. */
  coldReason?: string;
}
