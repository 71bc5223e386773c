// TF.js and TensorFlow are channels-last (NHWC); ONNX convolutions and pools are channels-first
// (NCHW). Each converted tensor remembers which of the two it is stored in, and is transposed
// only where an op needs the other one. `shape` is always the TF (channels-last) shape, with the
// batch as null, so converters reason in the source model's terms whatever the storage.
import type { OnnxGraph } from './graph.js';

export type Shape = Array<number | null>;

export interface Value {
  name: string;
  /** 'nchw': a rank-4 TF tensor stored channels-first. 'tf': stored exactly as TF shapes it. */
  layout: 'nchw' | 'tf';
  shape: Shape;
}

/** A shape for messages: [N, 224, 224, 3]. */
export function formatShape(shape: ReadonlyArray<number | null>): string {
  return `[${shape.map((d) => d ?? 'N').join(', ')}]`;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** A 1x1 image (after global pooling) has the same bytes in either order: a reshape suffices. */
function isPointLike(v: Value): boolean {
  return v.shape.length === 4 && v.shape[1] === 1 && v.shape[2] === 1;
}

export function asNchw(g: OnnxGraph, v: Value, hint: string): Value {
  if (v.layout === 'nchw') return v;
  if (v.shape.length !== 4) throw new Error(`${hint}: expected a rank-4 image tensor, got shape ${formatShape(v.shape)}.`);
  if (isPointLike(v)) return { name: g.node('Reshape', [v.name, g.int64s([0, -1, 1, 1])], {}, `${hint}/to_nchw`), layout: 'nchw', shape: v.shape };
  return { name: g.node('Transpose', [v.name], { perm: { kind: 'ints', value: TO_NCHW } }, `${hint}/to_nchw`), layout: 'nchw', shape: v.shape };
}

export function asTf(g: OnnxGraph, v: Value, hint: string): Value {
  if (v.layout === 'tf') return v;
  if (isPointLike(v)) return { name: g.node('Reshape', [v.name, g.int64s([0, 1, 1, -1])], {}, `${hint}/to_nhwc`), layout: 'tf', shape: v.shape };
  return { name: g.node('Transpose', [v.name], { perm: { kind: 'ints', value: TO_NHWC } }, `${hint}/to_nhwc`), layout: 'tf', shape: v.shape };
}

/** Where a TF axis lives in the stored tensor. */
export function storedAxis(v: Value, tfAxis: number): number {
  const rank = v.shape.length;
  const axis = tfAxis < 0 ? tfAxis + rank : tfAxis;
  if (axis < 0 || axis >= rank) throw new Error(`Axis ${tfAxis} is out of range for rank ${rank}.`);
  return v.layout === 'nchw' ? TO_NHWC[axis]! : axis;
}

export function channels(v: Value): number {
  const c = v.shape[v.shape.length - 1];
  if (typeof c !== 'number') throw new Error('The channel count must be known to convert this model.');
  return c;
}

/** Shape for a per-channel constant so it broadcasts over the stored tensor. */
export function channelConstantDims(v: Value): number[] {
  const c = channels(v);
  return v.layout === 'nchw' ? [c, 1, 1] : [c];
}
