// Converts a TF.js GraphModel (a frozen TensorFlow graph, as TF-Hub's MobileNets ship) up to a
// chosen node, with the same ops and layout handling as the layers converter. The op set is what
// tfjs-converter emits for image backbones: (fused) convolutions, depthwise convolutions, bias,
// ReLU/ReLU6, scalar arithmetic, pooling, mean, squeeze, reshape, softmax.
import * as tf from '@tensorflow/tfjs-core';
import { activation, addAll, clip, softmax } from './elementwise-ops.js';
import { OnnxConversionError, UnsupportedOpError } from './errors.js';
import { attr, type OnnxGraph } from './graph.js';
import { asNchw, asTf, channelConstantDims, channels, storedAxis, type Shape, type Value } from './layout.js';
import { reshape, squeeze } from './shape-ops.js';
import { conv2d, globalAveragePool, pool2d, zeroPad2d, type Padding, type Window } from './spatial-ops.js';

interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  list?: { i?: Array<string | number>; s?: string[] };
  shape?: { dim?: Array<{ size?: string | number }> };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface Constant {
  data: Float32Array | Int32Array;
  shape: number[];
}

const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

class NodeView {
  constructor(readonly node: TfNode) {}

  get inputs(): string[] {
    // "^name" is a control dependency (ordering only); "name:0" is output 0 of name.
    return (this.node.input ?? []).filter((i) => !i.startsWith('^')).map((i) => i.replace(/:0$/, ''));
  }
  fail(detail: string): never {
    throw new UnsupportedOpError(this.node.name, this.node.op, detail);
  }
  string(key: string): string | undefined {
    const s = this.node.attr?.[key]?.s;
    return s === undefined ? undefined : text(s);
  }
  ints(key: string): number[] | undefined {
    return this.node.attr?.[key]?.list?.i?.map(Number);
  }
  strings(key: string): string[] {
    return (this.node.attr?.[key]?.list?.s ?? []).map(text);
  }
  bool(key: string): boolean {
    return this.node.attr?.[key]?.b === true;
  }
}

export interface GraphModelSource {
  nodes: TfNode[];
  weights: tf.NamedTensorMap;
}

/** The node list and decoded weights of a loaded GraphModel's artifacts (see model-files.ts). */
export function graphModelSource(artifacts: tf.io.ModelArtifacts): GraphModelSource {
  const topology = artifacts.modelTopology as { node?: TfNode[] } | undefined;
  if (!topology || !Array.isArray(topology.node)) throw new OnnxConversionError('These artifacts are not a TF.js GraphModel (no node list).');
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new OnnxConversionError('The GraphModel artifacts carry no weights.');
  return { nodes: topology.node, weights: tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs) };
}

/** Nodes nothing else reads: the graph's natural outputs. */
export function graphSinks(nodes: TfNode[]): string[] {
  const read = new Set(nodes.flatMap((n) => new NodeView(n).inputs));
  return nodes.filter((n) => n.op !== 'Const' && !read.has(n.name)).map((n) => n.name);
}

/** The single Placeholder's shape, TF layout, batch as null. */
export function graphInputShape(nodes: TfNode[]): Shape {
  const placeholders = nodes.filter((n) => n.op === 'Placeholder');
  if (placeholders.length !== 1) throw new OnnxConversionError(`Expected one image input, the graph has ${placeholders.length} placeholders.`);
  const dims = placeholders[0]!.attr?.shape?.shape?.dim ?? [];
  return dims.map((d) => (d.size === undefined || Number(d.size) < 0 ? null : Number(d.size)));
}

class GraphEmitter {
  private readonly byName: Map<string, TfNode>;
  private readonly values = new Map<string, Value>();

  constructor(
    private readonly g: OnnxGraph,
    private readonly source: GraphModelSource,
    image: Value,
  ) {
    this.byName = new Map(source.nodes.map((n) => [n.name, n]));
    for (const n of source.nodes) if (n.op === 'Placeholder') this.values.set(n.name, image);
  }

  private readonly constants = new Map<string, Constant | null>();

  /** A Const node's value (through Identity), or null for a node computed at run time. */
  private constant(name: string): Constant | null {
    if (this.constants.has(name)) return this.constants.get(name)!;
    const node = this.byName.get(name);
    let value: Constant | null = null;
    if (node?.op === 'Identity') value = this.constant(new NodeView(node).inputs[0] ?? '');
    else if (node?.op === 'Const') {
      const tensor = Object.hasOwn(this.source.weights, name) ? this.source.weights[name] : undefined;
      if (!tensor) throw new OnnxConversionError(`Constant ${name} has no weight data.`);
      const data = tensor.dataSync();
      value = { data: data instanceof Int32Array ? new Int32Array(data) : new Float32Array(data as Float32Array), shape: [...tensor.shape] };
    }
    this.constants.set(name, value);
    return value;
  }

  private requireConstant(view: NodeView, index: number, what: string): Constant {
    return this.constant(view.inputs[index] ?? '') ?? view.fail(`its ${what} must be a constant`);
  }

  emit(output: string): Value {
    const stack = [output];
    while (stack.length > 0) {
      const name = stack[stack.length - 1]!;
      if (this.values.has(name)) {
        stack.pop();
        continue;
      }
      const node = this.byName.get(name);
      if (!node) throw new OnnxConversionError(`The graph has no node named ${name}.`);
      const view = new NodeView(node);
      if (node.op === 'Const') view.fail('a constant cannot be a model output here');
      const missing = view.inputs.filter((i) => !this.values.has(i) && this.constant(i) === null);
      if (missing.length > 0) {
        stack.push(...missing);
        continue;
      }
      this.values.set(name, this.convertNode(view));
      stack.pop();
    }
    return this.values.get(output)!;
  }

  private input(view: NodeView, index = 0): Value {
    const v = this.values.get(view.inputs[index] ?? '');
    return v ?? view.fail(`input ${index} must be computed from the image, not a constant`);
  }

  private window(view: NodeView, kernel: [number, number]): Window {
    const format = view.string('data_format') ?? 'NHWC';
    if (format !== 'NHWC') view.fail(`data format ${format} is not supported`);
    const padding = view.string('padding');
    if (padding !== 'SAME' && padding !== 'VALID') view.fail(`padding ${padding} is not supported`);
    const strides = view.ints('strides') ?? [1, 1, 1, 1];
    const dilations = view.ints('dilations') ?? [1, 1, 1, 1];
    return { kernel, strides: [strides[1]!, strides[2]!], dilations: [dilations[1]!, dilations[2]!], padding: padding.toLowerCase() as Padding };
  }

  private convolution(view: NodeView, depthwise: boolean): Value {
    const filter = this.requireConstant(view, 1, 'filter');
    if (!(filter.data instanceof Float32Array)) view.fail('the filter must be float32');
    const fused = view.strings('fused_ops');
    const [first, second, ...rest] = fused;
    if (rest.length > 0 || (first !== undefined && first !== 'BiasAdd')) view.fail(`fused ops [${fused.join(', ')}] are not supported`);
    let bias: Float32Array | null = null;
    if (first === 'BiasAdd') {
      const b = this.requireConstant(view, 2, 'bias');
      bias = b.data instanceof Float32Array ? b.data : view.fail('the bias must be float32');
    }
    const window = this.window(view, [filter.shape[0]!, filter.shape[1]!]);
    const out = conv2d(this.g, this.input(view), { ...window, weights: filter.data, weightShape: filter.shape, bias, depthwise }, view.node.name);
    if (second === undefined) return out;
    const act = second.toLowerCase();
    if (act !== 'relu' && act !== 'relu6') view.fail(`fused activation ${second} is not supported`);
    return activation(this.g, out, act, `${view.node.name}/${act}`);
  }

  /** Arithmetic with a constant: scalars broadcast anywhere, [C] vectors per channel. */
  private binary(view: NodeView, onnxOp: string): Value {
    const [a, b] = view.inputs;
    const constants = [this.constant(a ?? ''), this.constant(b ?? '')];
    if (!constants[0] && !constants[1]) {
      if (onnxOp !== 'Add') view.fail('both operands computed from the image are only supported for Add');
      return addAll(this.g, [this.input(view, 0), this.input(view, 1)], view.node.name);
    }
    if (constants[0] && constants[1]) view.fail('both operands are constants');
    const x = this.input(view, constants[0] ? 1 : 0);
    const c = (constants[0] ?? constants[1])!;
    const values = Float32Array.from(c.data);
    const size = values.length;
    let operand: string;
    if (size === 1) operand = this.g.scalar(values[0]!);
    else if (size === channels(x) && c.shape.slice(0, -1).every((d) => d === 1)) operand = this.g.constant(`${view.node.name}/constant`, values, channelConstantDims(x));
    else return view.fail(`constant of shape [${c.shape.join(', ')}] is neither a scalar nor per channel`);
    const operands = constants[0] ? [operand, x.name] : [x.name, operand];
    return { ...x, name: this.g.node(onnxOp, operands, {}, view.node.name) };
  }

  private convertNode(view: NodeView): Value {
    try {
      return this.convert(view);
    } catch (error) {
      if (error instanceof OnnxConversionError) throw error;
      return view.fail(error instanceof Error ? error.message : String(error));
    }
  }

  private convert(view: NodeView): Value {
    const g = this.g;
    const name = view.node.name;
    switch (view.node.op) {
      case 'Identity':
      case 'StopGradient':
      case 'Snapshot':
        return this.input(view);
      case 'Conv2D':
      case '_FusedConv2D':
        return this.convolution(view, false);
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return this.convolution(view, true);
      case 'BiasAdd':
      case 'Add':
      case 'AddV2':
        return this.binary(view, 'Add');
      case 'Mul':
        return this.binary(view, 'Mul');
      case 'Sub':
        return this.binary(view, 'Sub');
      case 'RealDiv':
        return this.binary(view, 'Div');
      case 'Relu':
        return activation(g, this.input(view), 'relu', name);
      case 'Relu6':
        return clip(g, this.input(view), 0, 6, name);
      case 'Sigmoid':
        return activation(g, this.input(view), 'sigmoid', name);
      case 'Tanh':
        return activation(g, this.input(view), 'tanh', name);
      case 'Softmax':
        return softmax(g, this.input(view), -1, name);
      case 'AvgPool':
      case 'MaxPool': {
        const ksize = view.ints('ksize') ?? view.fail('ksize is missing');
        return pool2d(g, this.input(view), view.node.op === 'MaxPool' ? 'max' : 'avg', this.window(view, [ksize[1]!, ksize[2]!]), name);
      }
      case 'Mean': {
        const x = this.input(view);
        const rank = x.shape.length;
        const axes = [...this.requireConstant(view, 1, 'axes').data].map((a) => (a < 0 ? a + rank : a)).sort();
        const keep = view.bool('keep_dims');
        if (rank === 4 && axes.join() === '1,2') return globalAveragePool(g, x, keep, name);
        if (!keep && x.layout === 'nchw') view.fail('a mean that drops some image axes is not supported');
        const stored = axes.map((a) => storedAxis(x, a));
        const out = g.node('ReduceMean', [x.name], { axes: attr.ints(stored), keepdims: attr.int(keep ? 1 : 0) }, name);
        return { ...x, name: out, shape: keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i)) };
      }
      case 'Squeeze': {
        const x = this.input(view);
        const dims = view.ints('squeeze_dims') ?? view.ints('axis') ?? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
        return squeeze(g, x, dims, name);
      }
      case 'Reshape': {
        const shape = [...this.requireConstant(view, 1, 'shape').data];
        if (shape[0] !== -1) view.fail('only reshapes that keep a dynamic batch (-1 first) are supported');
        return reshape(g, this.input(view), shape.slice(1), name);
      }
      case 'Pad':
      case 'PadV2': {
        const pads = [...this.requireConstant(view, 1, 'paddings').data];
        if (view.node.op === 'PadV2' && this.requireConstant(view, 2, 'constant value').data[0] !== 0) view.fail('only zero padding is supported');
        if (pads.length !== 8 || pads[0] || pads[1] || pads[6] || pads[7]) view.fail('only padding of H and W is supported');
        return zeroPad2d(g, asNchw(g, this.input(view), name), [[pads[2]!, pads[3]!], [pads[4]!, pads[5]!]], name);
      }
      default:
        return view.fail('this op is not supported');
    }
  }
}

/** Emits the graph from its image placeholder to `output` and returns that node's value. */
export function emitGraphModel(g: OnnxGraph, source: GraphModelSource, image: Value, output: string): Value {
  return asTf(g, new GraphEmitter(g, source, image).emit(output), output);
}
