// Convolutions, pooling and padding, from TF semantics (channels-last, HWIO kernels, 'same' /
// 'valid' padding) to ONNX (channels-first, OIHW kernels, explicit pads). Shared by the layers
// and the graph-model converters.
import { attr, type Attr, type OnnxGraph } from './graph.js';
import { asNchw, channels, type Shape, type Value } from './layout.js';

export type Padding = 'same' | 'valid';

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations?: [number, number];
  padding: Padding;
}

function outputSize(size: number | null, kernel: number, stride: number, dilation: number, padding: Padding): number | null {
  if (size === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - effective) / stride) + 1;
}

/**
 * TF's 'same' puts the odd pixel of padding at the end (bottom/right); explicit pads reproduce
 * that exactly. Without a known input size the runtime's SAME_UPPER does the same thing.
 */
function windowAttrs(input: Shape, w: Window): Record<string, Attr> {
  const dilations = w.dilations ?? [1, 1];
  const attrs: Record<string, Attr> = { kernel_shape: attr.ints(w.kernel), strides: attr.ints(w.strides) };
  if (w.padding === 'valid') return { ...attrs, pads: attr.ints([0, 0, 0, 0]) };
  const [h, wd] = [input[1], input[2]];
  if (typeof h !== 'number' || typeof wd !== 'number') return { ...attrs, auto_pad: attr.string('SAME_UPPER') };
  const pads = [h, wd].map((size, i) => {
    const out = Math.ceil(size / w.strides[i]!);
    const effective = (w.kernel[i]! - 1) * dilations[i]! + 1;
    const total = Math.max((out - 1) * w.strides[i]! + effective - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)] as const;
  });
  return { ...attrs, pads: attr.ints([pads[0]![0], pads[1]![0], pads[0]![1], pads[1]![1]]) };
}

function windowOutputShape(input: Shape, w: Window, outChannels: number): Shape {
  const dilations = w.dilations ?? [1, 1];
  return [
    input[0] ?? null,
    outputSize(input[1] ?? null, w.kernel[0], w.strides[0], dilations[0], w.padding),
    outputSize(input[2] ?? null, w.kernel[1], w.strides[1], dilations[1], w.padding),
    outChannels,
  ];
}

/** TF kernel [kh, kw, in, out] → ONNX weight [out, in, kh, kw]. */
export function hwioToOihw(kernel: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < ci!; i++)
        for (let o = 0; o < co!; o++) out[((o * ci! + i) * kh! + y) * kw! + x] = kernel[((y * kw! + x) * ci! + i) * co! + o]!;
  return out;
}

export interface ConvSpec extends Window {
  /** TF layout: [kh, kw, in, out] for a convolution, [kh, kw, in, multiplier] for a depthwise one. */
  weights: Float32Array;
  weightShape: number[];
  bias?: Float32Array | null;
  depthwise?: boolean;
}

export function conv2d(g: OnnxGraph, input: Value, spec: ConvSpec, hint: string): Value {
  const x = asNchw(g, input, hint);
  const [kh, kw, ci, last] = spec.weightShape as [number, number, number, number];
  if (ci !== channels(x)) throw new Error(`${hint}: kernel expects ${ci} input channels, the input has ${channels(x)}.`);
  // A depthwise kernel [kh, kw, C, M] is a grouped convolution with C groups; TF numbers its
  // outputs c*M + m, which is exactly the order of a [C*M, 1, kh, kw] ONNX weight.
  const outChannels = spec.depthwise ? ci * last : last;
  const weight = spec.depthwise ? hwioToOihw(spec.weights, [kh, kw, 1, outChannels]) : hwioToOihw(spec.weights, spec.weightShape);
  const inputs = [x.name, g.constant(`${hint}/weight`, weight, [outChannels, spec.depthwise ? 1 : ci, kh, kw])];
  if (spec.bias) inputs.push(g.constant(`${hint}/bias`, spec.bias, [outChannels]));
  const attrs = { ...windowAttrs(x.shape, spec), dilations: attr.ints(spec.dilations ?? [1, 1]), group: attr.int(spec.depthwise ? ci : 1) };
  return { name: g.node('Conv', inputs, attrs, hint), layout: 'nchw', shape: windowOutputShape(x.shape, spec, outChannels) };
}

export function pool2d(g: OnnxGraph, input: Value, kind: 'max' | 'avg', w: Window, hint: string): Value {
  const x = asNchw(g, input, hint);
  // TF's 'same' average pooling divides by the number of real pixels under the window, which is
  // ONNX's count_include_pad = 0 (its default, stated here because it matters).
  const attrs = kind === 'avg' ? { ...windowAttrs(x.shape, w), count_include_pad: attr.int(0) } : windowAttrs(x.shape, w);
  const name = g.node(kind === 'max' ? 'MaxPool' : 'AveragePool', [x.name], attrs, hint);
  return { name, layout: 'nchw', shape: windowOutputShape(x.shape, w, channels(x)) };
}

/** Mean over H and W; TF shape [N, C], or [N, 1, 1, C] with keepDims. */
export function globalAveragePool(g: OnnxGraph, input: Value, keepDims: boolean, hint: string): Value {
  const x = asNchw(g, input, hint);
  const pooled: Value = { name: g.node('GlobalAveragePool', [x.name], {}, hint), layout: 'nchw', shape: [null, 1, 1, channels(x)] };
  if (keepDims) return pooled;
  return { name: g.node('Flatten', [pooled.name], { axis: attr.int(1) }, `${hint}/flatten`), layout: 'tf', shape: [null, channels(x)] };
}

/** Zero padding of H and W: [[top, bottom], [left, right]]. */
export function zeroPad2d(g: OnnxGraph, input: Value, [[top, bottom], [left, right]]: [[number, number], [number, number]], hint: string): Value {
  const x = asNchw(g, input, hint);
  const pads = g.int64s([0, 0, top, left, 0, 0, bottom, right]);
  const [n, h, w, c] = x.shape;
  const grow = (size: number | null | undefined, by: number) => (typeof size === 'number' ? size + by : null);
  return { name: g.node('Pad', [x.name, pads], { mode: attr.string('constant') }, hint), layout: 'nchw', shape: [n ?? null, grow(h, top + bottom), grow(w, left + right), c ?? null] };
}

