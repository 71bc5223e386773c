// Reshape, flatten and dense layers act on the TF memory order (channels-last), so their input is
// brought back to TF layout first (after global pooling that is a free reshape, see layout.ts).
import { attr, type OnnxGraph } from './graph.js';
import { asTf, formatShape, type Shape, type Value } from './layout.js';

function knownSize(shape: Shape, hint: string): number {
  return shape.slice(1).reduce<number>((a, d) => {
    if (typeof d !== 'number') throw new Error(`${hint}: the input's shape must be fully known (got ${formatShape(shape)}).`);
    return a * d;
  }, 1);
}

/** Reshape to `target` (per example, no batch; one entry may be -1). */
export function reshape(g: OnnxGraph, input: Value, target: number[], hint: string): Value {
  const x = asTf(g, input, hint);
  const size = knownSize(x.shape, hint);
  const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const resolved = target.map((d) => (d === -1 ? size / known : d));
  if (resolved.reduce((a, d) => a * d, 1) !== size) throw new Error(`${hint}: cannot reshape ${formatShape(x.shape)} to [N, ${target.join(', ')}].`);
  // 0 copies the batch dimension from the input, so the model keeps a dynamic batch.
  const name = g.node('Reshape', [x.name, g.int64s([0, ...target])], {}, hint);
  return { name, layout: 'tf', shape: [x.shape[0] ?? null, ...resolved] };
}

export function flatten(g: OnnxGraph, input: Value, hint: string): Value {
  const x = asTf(g, input, hint);
  return { name: g.node('Flatten', [x.name], { axis: attr.int(1) }, hint), layout: 'tf', shape: [x.shape[0] ?? null, knownSize(x.shape, hint)] };
}

/** Removes size-1 TF axes. */
export function squeeze(g: OnnxGraph, input: Value, tfAxes: number[], hint: string): Value {
  const x = asTf(g, input, hint);
  const rank = x.shape.length;
  const axes = tfAxes.map((a) => (a < 0 ? a + rank : a));
  const name = g.node('Squeeze', [x.name, g.int64s(axes)], {}, hint);
  return { name, layout: 'tf', shape: x.shape.filter((_, i) => !axes.includes(i)) };
}

/** A dense layer over the last axis: Gemm for [N, in], MatMul + Add for higher ranks. */
export function dense(g: OnnxGraph, input: Value, kernel: Float32Array, [inUnits, units]: [number, number], bias: Float32Array | null, hint: string): Value {
  const x = asTf(g, input, hint);
  if (x.shape[x.shape.length - 1] !== inUnits) throw new Error(`${hint}: kernel expects ${inUnits} inputs, the input has ${x.shape[x.shape.length - 1]}.`);
  const w = g.constant(`${hint}/kernel`, kernel, [inUnits, units]);
  const shape = [...x.shape.slice(0, -1), units];
  if (x.shape.length === 2) {
    const inputs = bias ? [x.name, w, g.constant(`${hint}/bias`, bias, [units])] : [x.name, w];
    return { name: g.node('Gemm', inputs, {}, hint), layout: 'tf', shape };
  }
  const product = g.node('MatMul', [x.name, w], {}, bias ? `${hint}/matmul` : hint);
  if (!bias) return { name: product, layout: 'tf', shape };
  return { name: g.node('Add', [product, g.constant(`${hint}/bias`, bias, [units])], {}, hint), layout: 'tf', shape };
}
