// "Likely mislabeled": every labeled image is predicted by a head that never saw it (k-fold
// over the cached embeddings), and the probability of its given label ranks it.
import { pushTo } from '../../dataset/collections.js';
import type { TrainConfig } from '../../ipc/schemas.js';
import type { EmbeddingCache } from '../embeddings/cache.js';
import { seededRandom, shuffleInPlace } from '../images/random.js';
import { predictCached, trainHead, type LabeledKey } from './head.js';

export async function outOfFoldLabelProbs(
  examples: readonly LabeledKey[],
  options: { k: number; epochs: number; dim: number; nClasses: number; config: TrainConfig; cache: EmbeddingCache; checkpoint?: () => void; onFold?: (fold: number) => void },
): Promise<Float32Array> {
  const result = new Float32Array(examples.length).fill(Number.NaN);
  const k = Math.min(options.k, examples.length);
  if (k < 2) return result;
  // Stratify: deal each class's shuffled members round-robin into the folds.
  const foldOf = new Int32Array(examples.length);
  const byClass = new Map<number, number[]>();
  examples.forEach((e, i) => pushTo(byClass, e.label, i));
  const random = seededRandom(`${options.config.seed}:folds`);
  let next = 0;
  for (const members of byClass.values()) for (const i of shuffleInPlace(members, random)) foldOf[i] = next++ % k;

  for (let fold = 0; fold < k; fold++) {
    options.checkpoint?.();
    const train = examples.filter((_, i) => foldOf[i] !== fold);
    const heldIdx = examples.map((_, i) => i).filter((i) => foldOf[i] === fold);
    if (heldIdx.length === 0 || new Set(train.map((t) => t.label)).size < 2) continue;
    const head = await trainHead({
      dim: options.dim,
      nClasses: options.nClasses,
      config: options.config,
      train,
      val: [],
      cache: options.cache,
      fixedEpochs: options.epochs,
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    });
    const probs = await predictCached(head.model, options.cache, heldIdx.map((i) => examples[i]!.key), options.nClasses);
    heldIdx.forEach((i, row) => (result[i] = probs[row * options.nClasses + examples[i]!.label]!));
    head.model.dispose();
    options.onFold?.(fold + 1);
  }
  return result;
}
