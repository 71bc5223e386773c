// What fine-tuning will cost, said before a run starts (Advanced settings). Per-image figures
// from bench:finetune on wasm, 2 cores shared with other work (MobileNetV2 0.35, one block):
// caching the cut activations ran at ~150 ms per image view (the frozen lower backbone on tfjs;
// onnxruntime, used where it agrees, was ~7x faster on a quiet check, so this errs long), each
// fine-tuning epoch at ~45-170 ms per training image view (load average 17-28); each extra block
// adds about a third (by its multiply-adds, not measured).
export const FINE_TUNE_COST = { cutMsPerImage: 150, stepMsPerImage: 45, extraBlockFactor: 0.33 } as const;

export interface FineTuneEtaInput {
  /** Images the run predicts (every labeled and unlabeled one): their view 0 is cached. */
  images: number;
  /** Training images; each also in `views` augmented views. */
  trainImages: number;
  views: number;
  blocks: number;
  /** The most epochs (early stopping often ends sooner). */
  epochs: number;
}

/** Seconds fine-tuning adds to a run at most, on a machine like the one measured. */
export function fineTuneEtaSeconds(input: FineTuneEtaInput): number {
  if (input.blocks <= 0) return 0;
  const trainViews = input.trainImages * (1 + input.views);
  const cut = (input.images + input.trainImages * input.views) * FINE_TUNE_COST.cutMsPerImage;
  const perEpoch = trainViews * FINE_TUNE_COST.stepMsPerImage * (1 + FINE_TUNE_COST.extraBlockFactor * (input.blocks - 1));
  return Math.round((cut + perEpoch * input.epochs) / 1000);
}
