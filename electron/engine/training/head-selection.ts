// Which head a run keeps: a few candidates — the configured MLP (the default one-click head)
// and softmax regression at a couple of L2 strengths — each trained from the cached embeddings
// on the same folds and scored by their pooled held-out loss (plain cross-entropy, so heads
// trained with different penalties compare fairly). One fold is a hold-out or the project's
// validation split; k folds where the data is small. Linear heads win with many classes and
// few photos each (see issue 15), MLPs where the classes are not linearly separable in
// embedding space: neither is right everywhere. The configured MLP is a candidate itself and
// keeps ties, so selection cannot do structurally worse than the head one click trained before.
import type { TrainConfig } from '../../domain/schemas.js';
import type { EmbeddingCache } from '../embeddings/cache.js';
import { seededRandom, shuffleInPlace } from '../images/random.js';
import { predictCached, trainHead, type LabeledKey, type TrainedHead } from './head.js';
import { trainLinearHeads } from './linear-heads.js';

/** `param` is the L2 strength of a linear head, the hidden width of an MLP. */
export interface HeadCandidate {
  kind: 'linear' | 'mlp';
  param: number;
}

export interface CandidateScore {
  candidate: HeadCandidate;
  /** Pooled over the folds' held-out photos: mean cross-entropy and accuracy. */
  valLoss: number;
  valAcc: number;
  /** Mean over folds of the best epoch (what a refit trains for). */
  epochs: number;
}

export interface HeadChoice {
  method: 'validation split' | 'hold-out' | 'k-fold';
  folds: number;
  chosen: HeadCandidate;
  epochs: number;
  scores: CandidateScore[];
}

export interface Fold<T> {
  train: T[];
  val: T[];
}

/** L2 strengths of the softmax-regression candidates. */
export const LINEAR_L2 = [1e-3, 1e-4] as const;
/** Below this many photos in the smallest class, candidates are scored by k-fold. */
export const SMALL_CLASS = 50;
/**
 * Folds of a k-fold selection. Three, not five: each fold trains every candidate, and five
 * made the first one-click train slower than the Teachable-Machine baseline (bench:engine
 * 0.83x); scores are pooled over every training photo held out once either way.
 */
export const SELECTION_FOLDS = 3;

/** The head the settings describe: the default candidate, and the only one without search. */
export function configuredHead(config: TrainConfig): HeadCandidate {
  return config.hiddenUnits > 0 ? { kind: 'mlp', param: config.hiddenUnits } : { kind: 'linear', param: 0 };
}

/** The configured head first (it wins ties), then the linear heads it is compared with. */
export function headCandidates(config: TrainConfig, search: boolean): HeadCandidate[] {
  const configured = configuredHead(config);
  if (!search || configured.kind === 'linear') return [configured];
  return [configured, ...LINEAR_L2.map((l2) => ({ kind: 'linear' as const, param: l2 }))];
}

/** Softmax regression's step size relative to the MLP's (see candidateConfig). */
export const LINEAR_LR_FACTOR = 10;

/**
 * The training settings of one candidate. A linear head has no hidden layer and no dropout, and
 * a 10x larger step: at the MLP's 0.001 it was still improving after 60 epochs on hymenoptera,
 * which made it both the slowest candidate and an under-trained one.
 */
export function candidateConfig(config: TrainConfig, candidate: HeadCandidate): TrainConfig {
  if (candidate.kind === 'mlp') return { ...config, hiddenUnits: candidate.param };
  if (config.hiddenUnits === 0) return config;
  return { ...config, hiddenUnits: 0, dropout: 0, learningRate: Math.min(1, config.learningRate * LINEAR_LR_FACTOR) };
}

export function candidateL2(candidate: HeadCandidate): number {
  return candidate.kind === 'linear' ? candidate.param : 0;
}

export function sameCandidate(a: HeadCandidate, b: HeadCandidate): boolean {
  return a.kind === b.kind && a.param === b.param;
}

/** k stratified folds of `items`, each class's shuffled members dealt round-robin. */
export function stratifiedFolds<T extends { label: number }>(items: readonly T[], k: number, seed: number): Array<Fold<T>> {
  const foldOf = new Int32Array(items.length);
  const byClass = new Map<number, number[]>();
  items.forEach((e, i) => byClass.set(e.label, [...(byClass.get(e.label) ?? []), i]));
  const random = seededRandom(`${seed}:selection-folds`);
  let next = 0;
  for (const members of [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m)) for (const i of shuffleInPlace(members, random)) foldOf[i] = next++ % k;
  return Array.from({ length: k }, (_, fold) => ({ train: items.filter((_, i) => foldOf[i] !== fold), val: items.filter((_, i) => foldOf[i] === fold) }));
}

function flatten(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
}

/** Per-photo cross-entropy of held-out probabilities (rows in `labels` order). */
function photoLosses(probs: Float32Array, labels: readonly number[], nClasses: number): number[] {
  return labels.map((label, i) => -Math.log(Math.max(probs[i * nClasses + label]!, 1e-7)));
}

/**
 * The winner: candidate 0 (the default) unless another candidate's held-out loss is lower by
 * more than one standard error of the paired per-photo difference — a challenger must beat the
 * default by more than the noise of a small validation set. Among challengers that do, the
 * lowest loss wins. `probs[c]` holds candidate c's held-out probabilities.
 */
export function chooseWinner(probs: Float32Array[], labels: readonly number[], nClasses: number): number {
  const n = labels.length;
  if (n === 0) return 0;
  const losses = probs.map((p) => photoLosses(p, labels, nClasses));
  let winner = 0;
  let bestMean = losses[0]!.reduce((a, b) => a + b, 0) / n;
  for (let c = 1; c < losses.length; c++) {
    const diff = losses[c]!.map((l, i) => l - losses[0]![i]!);
    const mean = diff.reduce((a, b) => a + b, 0) / n;
    const se = Math.sqrt(diff.reduce((a, d) => a + (d - mean) ** 2, 0) / Math.max(1, n - 1) / n);
    const own = mean + losses[0]!.reduce((a, b) => a + b, 0) / n;
    if (mean < -se && own < bestMean) {
      winner = c;
      bestMean = own;
    }
  }
  return winner;
}

export interface SelectionResult {
  choice: HeadChoice;
  /** The winner's held-out probabilities, fold after fold (rows in each fold's val order). */
  heldOutProbs: Float32Array;
  /** The winner trained on the single fold, when asked to keep it; else null. */
  model: TrainedHead | null;
}

export async function selectHead(options: {
  dim: number;
  nClasses: number;
  config: TrainConfig;
  cache: EmbeddingCache;
  candidates: HeadCandidate[];
  folds: Array<Fold<LabeledKey>>;
  method: HeadChoice['method'];
  /** Keep the winner's model (one fold only): it is the final head when there is no refit. */
  keepModel: boolean;
  checkpoint?: () => void;
  /** After each candidate on each fold. */
  onTrained?: (done: number, total: number) => void;
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
}): Promise<SelectionResult> {
  const { config, folds, nClasses, candidates } = options;
  const keep = options.keepModel && folds.length === 1;
  const total = folds.length * candidates.length;
  const sums = candidates.map(() => ({ epochs: 0 }));
  const probs: Float32Array[][] = candidates.map(() => []);
  const kept: Array<TrainedHead | null> = candidates.map(() => null);
  let done = 0;
  // The stage shows at once, not only after the first candidate's first fold has trained.
  options.onTrained?.(0, total);
  try {
    // The linear candidates of a fold train together (linear-heads.ts): same steps, shared work.
    // A kept winner needs its own learning curve for the run, so then they train one by one.
    const linear = keep ? [] : candidates.flatMap((c, i) => (c.kind === 'linear' && c.param > 0 ? [i] : []));
    for (const fold of folds) {
      const valKeys = fold.val.map((v) => v.key);
      const hooks = { ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}), ...(options.onBatch ? { onBatch: options.onBatch } : {}) };
      if (linear.length > 0) {
        const heads = await trainLinearHeads({
          dim: options.dim,
          nClasses,
          config: candidateConfig(config, candidates[linear[0]!]!),
          l2s: linear.map((i) => candidates[i]!.param),
          train: fold.train,
          val: fold.val,
          cache: options.cache,
          ...hooks,
        });
        heads.forEach((head, j) => {
          const i = linear[j]!;
          probs[i]!.push(head.valProbs);
          sums[i]!.epochs += head.bestEpoch;
        });
        done += linear.length;
        options.onTrained?.(done, total);
      }
      for (const [i, candidate] of candidates.entries()) {
        if (linear.includes(i)) continue;
        const head = await trainHead({
          dim: options.dim,
          nClasses,
          config: candidateConfig(config, candidate),
          l2: candidateL2(candidate),
          train: fold.train,
          val: fold.val,
          cache: options.cache,
          ...hooks,
        });
        probs[i]!.push(await predictCached(head.model, options.cache, valKeys, nClasses));
        sums[i]!.epochs += head.bestEpoch;
        if (keep) kept[i] = head;
        else head.model.dispose();
        options.onTrained?.(++done, total);
      }
    }
  } catch (error) {
    kept.forEach((h) => h?.model.dispose());
    throw error;
  }
  const labels = folds.flatMap((f) => f.val.map((v) => v.label));
  const merged = probs.map(flatten);
  const scores: CandidateScore[] = candidates.map((candidate, i) => {
    const losses = photoLosses(merged[i]!, labels, nClasses);
    const correct = labels.filter((label, r) => {
      let best = 0;
      for (let c = 1; c < nClasses; c++) if (merged[i]![r * nClasses + c]! > merged[i]![r * nClasses + best]!) best = c;
      return best === label;
    }).length;
    const n = Math.max(1, labels.length);
    return { candidate, valLoss: losses.reduce((a, b) => a + b, 0) / n, valAcc: correct / n, epochs: sums[i]!.epochs / folds.length };
  });
  const best = chooseWinner(merged, labels, nClasses);
  kept.forEach((h, i) => i !== best && h?.model.dispose());
  return {
    choice: { method: options.method, folds: folds.length, chosen: candidates[best]!, epochs: Math.max(1, Math.round(scores[best]!.epochs)), scores },
    heldOutProbs: merged[best]!,
    model: kept[best] ?? null,
  };
}
