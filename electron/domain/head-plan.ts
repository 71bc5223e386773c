// Which head stage a run will go through, said before it starts (the renderer's ETA) and decided
// by the engine's plan (engine/training/final-head.ts) from the same rules.

/**
 * Above this many training photos the configured head trains alone, early-stopped on the
 * validation split or a 15 % hold-out, as before selection: the carved slice then costs little
 * accuracy, linear heads win where photos per class are few, and selection measured 2.2x the
 * head's time on bench:engine's 10,000 cached embeddings (the budget is 1.2x).
 */
export const LARGE_TRAIN = 5000;

/** Whether the head is chosen among candidates (and then refit on every training photo). */
export function searchesHead(headSearch: 'auto' | 'always' | 'off', trainImages: number): boolean {
  return headSearch !== 'off' && trainImages <= LARGE_TRAIN;
}

/**
 * Whether fine-tuning first trains a start head (finetune/start-head.ts): the final head was
 * refit on every training photo and no validation split is left to stop on, so a head that has
 * not seen fine-tuning's stop set is trained for it.
 */
export function trainsStartHead(options: { trainImages: number; valImages: number; refit: boolean; headSearch: 'auto' | 'always' | 'off' }): boolean {
  return options.valImages === 0 && options.refit && searchesHead(options.headSearch, options.trainImages);
}
