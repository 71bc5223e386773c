// Activations, per-channel scale/shift and residual adds. None of these care whether a tensor is
// stored channels-first or channels-last, except softmax (its axis) and per-channel constants
// (their broadcast shape).
import { attr, type OnnxGraph } from './graph.js';
import { asNchw, asTf, channelConstantDims, storedAxis, type Value } from './layout.js';

export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function isActivation(name: string): name is ActivationName {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

export function clip(g: OnnxGraph, x: Value, min: number, max: number | null, hint: string): Value {
  // Clip's bounds are inputs since opset 11; an empty name leaves the bound open.
  const inputs = [x.name, g.scalar(min), max === null ? '' : g.scalar(max)];
  return { ...x, name: g.node('Clip', max === null ? inputs.slice(0, 2) : inputs, {}, hint) };
}

export function softmax(g: OnnxGraph, x: Value, tfAxis: number, hint: string): Value {
  return { ...x, name: g.node('Softmax', [x.name], { axis: attr.int(storedAxis(x, tfAxis)) }, hint) };
}

export function activation(g: OnnxGraph, x: Value, name: ActivationName, hint: string): Value {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return { ...x, name: g.node('Relu', [x.name], {}, hint) };
    case 'relu6':
      return clip(g, x, 0, 6, hint);
    case 'sigmoid':
      return { ...x, name: g.node('Sigmoid', [x.name], {}, hint) };
    case 'tanh':
      return { ...x, name: g.node('Tanh', [x.name], {}, hint) };
    case 'softmax':
      return softmax(g, x, -1, hint);
  }
}

/** x * scale + shift per channel (the last TF axis). Either may be absent. */
export function channelAffine(g: OnnxGraph, x: Value, scale: Float32Array | null, shift: Float32Array | null, hint: string): Value {
  const dims = channelConstantDims(x);
  let out = x;
  if (scale) out = { ...out, name: g.node('Mul', [out.name, g.constant(`${hint}/scale`, scale, dims)], {}, `${hint}/mul`) };
  if (shift) out = { ...out, name: g.node('Add', [out.name, g.constant(`${hint}/shift`, shift, dims)], {}, `${hint}/add`) };
  return out;
}

/** Elementwise sum of same-shaped tensors, brought to the first one's storage layout. */
export function addAll(g: OnnxGraph, values: Value[], hint: string): Value {
  const [first, ...rest] = values;
  if (!first) throw new Error(`${hint}: nothing to add.`);
  let sum = first;
  rest.forEach((v, i) => {
    const other = first.layout === 'nchw' ? asNchw(g, v, hint) : asTf(g, v, hint);
    sum = { ...sum, name: g.node('Add', [sum.name, other.name], {}, i === rest.length - 1 ? hint : `${hint}/${i}`) };
  });
  return sum;
}
