// Folds per-channel Mul/Add constants that directly follow a Conv into the Conv's weight and
// bias: Keras BatchNormalization in inference mode, and TF's BiasAdd after a depthwise conv.
// One fused conv instead of conv + 2 elementwise passes over the activation is most of what
// makes the ONNX backbone fast; it also lets onnxruntime fuse the following Relu/Clip.
import type { Initializer, OnnxGraph, OnnxNode } from './graph.js';

/** A per-output-channel constant (or a scalar) as a Float32Array of length `channels`. */
function perChannel(init: Initializer | undefined, channels: number): Float32Array | null {
  if (!init || !(init.data instanceof Float32Array)) return null;
  const size = init.dims.reduce((a, d) => a * d, 1);
  if (size === 1) return new Float32Array(channels).fill(init.data[0]!);
  // [C, 1, 1] and [1, C, 1, 1] broadcast over the channels of an NCHW tensor; [C] would not.
  const nonUnit = init.dims.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
  const trailing = init.dims.length - 1 - nonUnit[0]!;
  return size === channels && nonUnit.length === 1 && trailing === 2 ? init.data : null;
}

/** A private copy of a conv's initializer, so folding never changes another node's constant. */
function ownInitializer(g: OnnxGraph, conv: OnnxNode, index: number, make: () => Initializer): Initializer {
  const name = conv.inputs[index];
  const existing = name ? g.initializers.get(name) : undefined;
  if (existing && g.consumers(existing.name).length === 1) return existing;
  const base = existing ?? make();
  const copy = { name: g.uniqueName(base.name), dims: [...base.dims], data: new Float32Array(base.data as Float32Array) };
  g.initializers.set(copy.name, copy);
  conv.inputs[index] = copy.name;
  return copy;
}

function foldInto(g: OnnxGraph, conv: OnnxNode): boolean {
  const out = conv.outputs[0]!;
  if (g.useCount(out) !== 1) return false;
  const next = g.consumers(out)[0]!;
  if (next.opType !== 'Mul' && next.opType !== 'Add') return false;
  const weight = g.initializers.get(conv.inputs[1]!);
  if (!weight) return false;
  const channels = weight.dims[0]!;
  const constant = perChannel(g.initializers.get(next.inputs.find((i) => i !== out) ?? ''), channels);
  if (!constant || next.inputs.length !== 2) return false;

  const bias = ownInitializer(g, conv, 2, () => ({ name: `${conv.name}/bias`, dims: [channels], data: new Float32Array(channels) }));
  const b = bias.data as Float32Array;
  if (next.opType === 'Mul') {
    const w = ownInitializer(g, conv, 1, () => weight).data as Float32Array;
    const perOut = w.length / channels;
    for (let o = 0; o < channels; o++) {
      for (let k = 0; k < perOut; k++) w[o * perOut + k] = w[o * perOut + k]! * constant[o]!;
      b[o] = b[o]! * constant[o]!;
    }
  } else {
    for (let o = 0; o < channels; o++) b[o] = b[o]! + constant[o]!;
  }
  conv.outputs = next.outputs;
  g.removeNode(next);
  return true;
}

export function foldAffineIntoConv(g: OnnxGraph): void {
  for (const node of [...g.nodes]) {
    if (node.opType !== 'Conv') continue;
    while (foldInto(g, node));
  }
  g.pruneInitializers();
}
