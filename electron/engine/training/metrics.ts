// Scores of a classifier on one split: accuracy, per-class precision/recall/F1, the confusion
// matrix and the examples it gets most wrong.
import type { SplitMetrics } from '../../domain/schemas.js';
import type { RunClasses } from '../../project/examples.js';

const EPSILON = 1e-7;

export function argmaxRow(probs: ArrayLike<number>, row: number, nClasses: number): number {
  let best = 0;
  for (let c = 1; c < nClasses; c++) if (probs[row * nClasses + c]! > probs[row * nClasses + best]!) best = c;
  return best;
}

export function splitMetrics(
  probs: Float32Array,
  labels: readonly number[],
  imageIds: readonly number[],
  classes: RunClasses,
  topLossCount = 50,
): SplitMetrics {
  const n = labels.length;
  const k = classes.ids.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let loss = 0;
  const losses: SplitMetrics['topLosses'] = [];
  labels.forEach((label, i) => {
    const predicted = argmaxRow(probs, i, k);
    confusion[label]![predicted]! += 1;
    const l = -Math.log(Math.max(probs[i * k + label]!, EPSILON));
    loss += l;
    if (predicted !== label) {
      losses.push({ imageId: imageIds[i]!, classId: classes.ids[label]!, predictedId: classes.ids[predicted]!, loss: l, confidence: probs[i * k + predicted]! });
    }
  });
  const correct = confusion.reduce((sum, row, c) => sum + row[c]!, 0);
  const perClass = classes.ids.map((classId, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { classId, name: classes.names[c]!, precision, recall, f1, support };
  });
  losses.sort((a, b) => b.loss - a.loss);
  return { count: n, accuracy: n ? correct / n : 0, loss: n ? loss / n : 0, perClass, confusion, topLosses: losses.slice(0, topLossCount) };
}

/** Margin (top-1 minus top-2) and entropy of one probability row: the uncertainty ranking. */
export function uncertainty(probs: Float32Array, row: number, nClasses: number): { top: number; confidence: number; margin: number; entropy: number } {
  let top = 0;
  let second = -1;
  let entropy = 0;
  for (let c = 0; c < nClasses; c++) {
    const p = probs[row * nClasses + c]!;
    entropy -= p > 0 ? p * Math.log(p) : 0;
    if (c === 0) continue;
    if (p > probs[row * nClasses + top]!) {
      second = top;
      top = c;
    } else if (second === -1 || p > probs[row * nClasses + second]!) {
      second = c;
    }
  }
  const confidence = probs[row * nClasses + top]!;
  const margin = nClasses > 1 ? confidence - probs[row * nClasses + (second === -1 ? (top === 0 ? 1 : 0) : second)]! : 1;
  return { top, confidence, margin, entropy };
}
