// How closely an exported model reproduces the studio's own outputs on the same inputs. Shared
// by every export format's check and by the embedding ladder's ONNX gate.

export type OutputKind = 'embedding' | 'probabilities' | 'logits';

export interface ParityStats {
  examples: number;
  /** max |reference - candidate| over every value. */
  maxAbs: number;
  /** max |reference| (the output's scale). */
  scale: number;
  /** maxAbs / scale. */
  maxRel: number;
  /** Fraction of examples whose arg-max agrees (classifier outputs), else null. */
  top1Agreement: number | null;
}

export interface ParityVerdict extends ParityStats {
  kind: OutputKind;
  passed: boolean;
  /** The target, in words, for the UI and the model card. */
  target: string;
}

/** Targets for float32 exports (issue 6) and backbone conversion (issue 9). */
export const PARITY_TARGETS = {
  /** Embeddings: max |Δ| ≤ 1e-4 × the embedding's scale. */
  embeddingRel: 1e-4,
  /** Probabilities: max |Δp| ≤ 1e-4 and every top-1 the same. */
  probabilityAbs: 1e-4,
} as const;

function argmaxRows(values: Float32Array, rows: number, width: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let j = 1; j < width; j++) if (values[r * width + j]! > values[r * width + best]!) best = j;
    return best;
  });
}

export function compareOutputs(reference: Float32Array, candidate: Float32Array, examples: number, classifier: boolean): ParityStats {
  if (reference.length !== candidate.length) throw new Error(`Output sizes differ: ${reference.length} vs ${candidate.length} values.`);
  if (examples <= 0 || reference.length % examples !== 0) throw new Error(`${reference.length} values do not split into ${examples} examples.`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const d = Math.abs(r - candidate[i]!);
    // NaN must fail the check, not slip past a comparison.
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
    if (Math.abs(r) > scale) scale = Math.abs(r);
  }
  let top1Agreement: number | null = null;
  if (classifier) {
    const width = reference.length / examples;
    const a = argmaxRows(reference, examples, width);
    const b = argmaxRows(candidate, examples, width);
    top1Agreement = a.filter((v, i) => v === b[i]).length / examples;
  }
  return { examples, maxAbs, scale, maxRel: scale > 0 ? maxAbs / scale : maxAbs === 0 ? 0 : Infinity, top1Agreement };
}

export function judgeParity(stats: ParityStats, kind: OutputKind): ParityVerdict {
  if (kind === 'probabilities') {
    const passed = stats.maxAbs <= PARITY_TARGETS.probabilityAbs && stats.top1Agreement === 1;
    return { ...stats, kind, passed, target: `max |Δp| ≤ ${PARITY_TARGETS.probabilityAbs} and 100% top-1 agreement` };
  }
  const relOk = stats.maxRel <= PARITY_TARGETS.embeddingRel;
  const passed = kind === 'logits' ? relOk && stats.top1Agreement === 1 : relOk;
  const target = `max |Δ| ≤ ${PARITY_TARGETS.embeddingRel} × max |value|${kind === 'logits' ? ' and 100% top-1 agreement' : ''}`;
  return { ...stats, kind, passed, target };
}
