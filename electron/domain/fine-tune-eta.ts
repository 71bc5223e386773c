// What fine-tuning will cost, said before a run starts (Advanced settings). Per-image figures
// from bench:finetune on wasm, 2 cores shared with other work (MobileNetV2 0.35, one block):
// caching the cut activations ran at ~150 ms per image view (the frozen lower backbone on tfjs;
// onnxruntime, used where it agrees, was ~7x faster on a quiet check, so this errs long), each
// fine-tuning epoch at ~45-170 ms per training image view (load average 17-28); each extra block
// adds about a third (by its multiply-adds, not measured).
// A run that refit its head on every training photo and has no validation split first trains a
// start head (finetune/start-head.ts) on the cached embeddings: ~0.3-2.5 ms per training image
// view and epoch (ensemble-explore runs on flowers and hymenoptera, load 3-18), counted at 2 ms
// for at most the head's configured epochs (early stopping usually ends it sooner).
export const FINE_TUNE_COST = { cutMsPerImage: 150, stepMsPerImage: 45, extraBlockFactor: 0.33, headMsPerImage: 2 } as const;

export interface FineTuneEtaInput {
  /** Images the run predicts (every labeled and unlabeled one): their view 0 is cached. */
  images: number;
  /** Training images; each also in `views` augmented views. */
  trainImages: number;
  views: number;
  blocks: number;
  /** The most epochs (early stopping often ends sooner). */
  epochs: number;
  /** The most epochs of the start head fine-tuning trains first (0: it starts from the run's final head). */
  startHeadEpochs?: number;
}

/** Seconds fine-tuning adds to a run at most, on a machine like the one measured. */
export function fineTuneEtaSeconds(input: FineTuneEtaInput): number {
  if (input.blocks <= 0) return 0;
  const trainViews = input.trainImages * (1 + input.views);
  const cut = (input.images + input.trainImages * input.views) * FINE_TUNE_COST.cutMsPerImage;
  const perEpoch = trainViews * FINE_TUNE_COST.stepMsPerImage * (1 + FINE_TUNE_COST.extraBlockFactor * (input.blocks - 1));
  const startHead = trainViews * 0.85 * FINE_TUNE_COST.headMsPerImage * (input.startHeadEpochs ?? 0);
  return Math.round((cut + perEpoch * input.epochs + startHead) / 1000);
}
