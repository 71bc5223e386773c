// Translates the ONNX graph the studio's own converter makes (electron/export/onnx/: the walk over
// layers and graph backbones, BatchNorm folded into convs) into a TFLite graph. ONNX stores image
// tensors channels-first and marks every switch with a Transpose; TFLite is channels-last
// throughout, so each ONNX value is tracked with the layout ONNX means, its TFLite tensor always
// holds the NHWC data, and the Transposes disappear. ONNX explicit pads become TF's SAME/VALID
// again (the ONNX writer derived them from SAME), Relu/Clip after a conv become its fused
// activation, as the TFLite converter emits them.
import type { OnnxTypes } from '../../onnx/proto.js';
import { decodeModel } from '../../onnx/encode.js';
import { bytesOf, TfliteGraph, type PaddingName } from './graph.js';
import type { ActivationName } from './schema.js';

export class TfliteConversionError extends Error {
  override name = 'TfliteConversionError';
}

interface Value {
  tensor: number;
  /** The layout ONNX means for this value; the TFLite tensor is always NHWC. */
  layout: 'nchw' | 'tf';
  /** TFLite (channels-last) shape. */
  shape: number[];
}

interface Constant {
  dims: number[];
  data: Float32Array | number[];
}

const NCHW_TO_TF_AXIS = [0, 3, 1, 2];

function attrs(node: OnnxTypes.INodeProto): Map<string, OnnxTypes.IAttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
}

function intsAttr(a: Map<string, OnnxTypes.IAttributeProto>, key: string): number[] | null {
  const v = a.get(key);
  return v ? (v.ints ?? []).map(Number) : null;
}

function intAttr(a: Map<string, OnnxTypes.IAttributeProto>, key: string, fallback: number): number {
  const v = a.get(key);
  return v?.i == null ? fallback : Number(v.i);
}

function constantOf(init: OnnxTypes.ITensorProto): Constant {
  // A private, aligned copy (protobufjs hands out views into its read buffer).
  const copy = new Uint8Array(init.rawData ?? new Uint8Array());
  const dims = (init.dims ?? []).map(Number);
  if (init.dataType === 1) return { dims, data: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
  if (init.dataType === 7) return { dims, data: Array.from(new BigInt64Array(copy.buffer, 0, copy.byteLength / 8), Number) };
  throw new TfliteConversionError(`Initializer ${init.name} has ONNX data type ${init.dataType}, which the TFLite export does not read.`);
}

/** TF 'same' padding for one spatial axis, as the ONNX writer computed it. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const effective = (kernel - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function outSize(size: number, kernel: number, stride: number, dilation: number, padding: PaddingName): number {
  const effective = (kernel - 1) * dilation + 1;
  return padding === 'SAME' ? Math.ceil(size / stride) : Math.floor((size - effective) / stride) + 1;
}

class Translator {
  readonly g = new TfliteGraph();
  private readonly values = new Map<string, Value>();
  private readonly constants = new Map<string, Constant>();
  private readonly useCount = new Map<string, number>();
  /** The op that produced a value, for fusing a following activation into it. */
  private readonly fusible = new Map<string, { activation: ActivationName }>();

  constructor(private readonly model: OnnxTypes.ModelProto) {
    const graph = model.graph!;
    for (const init of graph.initializer ?? []) this.constants.set(init.name ?? '', constantOf(init));
    for (const node of graph.node ?? []) for (const i of node.input ?? []) this.useCount.set(i, (this.useCount.get(i) ?? 0) + 1);
    for (const o of graph.output ?? []) this.useCount.set(o.name ?? '', (this.useCount.get(o.name ?? '') ?? 0) + 1);
  }

  private value(name: string, node: OnnxTypes.INodeProto): Value {
    const v = this.values.get(name);
    if (!v) throw new TfliteConversionError(`${node.name}: input ${name} must be computed from the image.`);
    return v;
  }

  private constant(name: string | undefined, node: OnnxTypes.INodeProto): Constant {
    const c = this.constants.get(name ?? '');
    if (!c) throw new TfliteConversionError(`${node.name}: input ${name} must be a constant.`);
    return c;
  }

  private floatConstant(name: string | undefined, node: OnnxTypes.INodeProto): Float32Array {
    const c = this.constant(name, node);
    if (!(c.data instanceof Float32Array)) throw new TfliteConversionError(`${node.name}: ${name} must be float32.`);
    return c.data;
  }

  run(): TfliteGraph {
    const graph = this.model.graph!;
    const inputs = graph.input ?? [];
    if (inputs.length !== 1) throw new TfliteConversionError(`The model has ${inputs.length} inputs; one image input is expected.`);
    const dims = inputs[0]!.type?.tensorType?.shape?.dim ?? [];
    // TFLite runs one image per call at the size the model was made for; the batch becomes 1.
    const shape = dims.map((d, i) => (i === 0 ? 1 : Number(d.dimValue)));
    if (shape.length !== 4 || shape.some((d) => !(d > 0))) throw new TfliteConversionError(`The image input must be [N, H, W, C] with known H, W, C.`);
    const input = this.g.tensor(inputs[0]!.name ?? 'image', shape);
    this.g.inputs.push(input);
    this.values.set(inputs[0]!.name ?? '', { tensor: input, layout: 'tf', shape });
    for (const node of graph.node ?? []) {
      const out = this.convert(node);
      this.values.set(node.output![0]!, out);
    }
    for (const o of graph.output ?? []) {
      const v = this.values.get(o.name ?? '');
      if (!v) throw new TfliteConversionError(`The output ${o.name} is not computed.`);
      if (v.layout !== 'tf') throw new TfliteConversionError(`The output ${o.name} is channels-first.`);
      this.g.tensors[v.tensor]!.name = o.name ?? 'output';
      this.g.outputs.push(v.tensor);
    }
    return this.g;
  }

  private alias(x: Value, layout: Value['layout']): Value {
    return { ...x, layout };
  }

  private pointLike(x: Value): boolean {
    return x.shape.length === 4 && x.shape[1] === 1 && x.shape[2] === 1;
  }

  private convert(node: OnnxTypes.INodeProto): Value {
    const name = node.output![0]!;
    const ins = node.input ?? [];
    const a = attrs(node);
    switch (node.opType) {
      case 'Transpose': {
        const x = this.value(ins[0]!, node);
        const perm = (intsAttr(a, 'perm') ?? []).join();
        if (perm === '0,3,1,2' && x.layout === 'tf') return this.alias(x, 'nchw');
        if (perm === '0,2,3,1' && x.layout === 'nchw') return this.alias(x, 'tf');
        throw new TfliteConversionError(`${node.name}: a transpose [${perm}] of a ${x.layout} tensor is not a layout switch.`);
      }
      case 'Reshape': {
        const x = this.value(ins[0]!, node);
        const target = this.constant(ins[1], node).data as number[];
        if (this.pointLike(x) && target.join() === '0,-1,1,1') return this.alias(x, 'nchw');
        if (this.pointLike(x) && target.join() === '0,1,1,-1') return this.alias(x, 'tf');
        if (x.layout !== 'tf' && !this.pointLike(x)) throw new TfliteConversionError(`${node.name}: reshaping a channels-first image is not supported.`);
        const size = x.shape.slice(1).reduce((p, d) => p * d, 1);
        const resolved = target.map((d, i) => (d === 0 ? x.shape[i]! : d));
        const known = resolved.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
        return this.reshape(x, resolved.map((d) => (d === -1 ? (size * x.shape[0]!) / known : d)), name);
      }
      case 'Flatten':
      case 'Squeeze': {
        const x = this.value(ins[0]!, node);
        if (x.layout === 'nchw' && !this.pointLike(x)) throw new TfliteConversionError(`${node.name}: flattening a channels-first image is not supported.`);
        if (node.opType === 'Flatten') return this.reshape(x, [x.shape[0]!, x.shape.slice(1).reduce((p, d) => p * d, 1)], name);
        const axes = (this.constant(ins[1], node).data as number[]).map((ax) => (x.layout === 'nchw' ? NCHW_TO_TF_AXIS[ax]! : ax));
        return this.reshape(x, x.shape.filter((_, i) => !axes.includes(i)), name);
      }
      case 'Conv':
        return this.conv(node, a);
      case 'AveragePool':
      case 'MaxPool':
        return this.pool(node, a);
      case 'GlobalAveragePool': {
        const x = this.value(ins[0]!, node);
        return this.mean(x, [1, 2], true, name, 'nchw');
      }
      case 'ReduceMean': {
        const x = this.value(ins[0]!, node);
        const axes = (intsAttr(a, 'axes') ?? []).map((ax) => (x.layout === 'nchw' ? NCHW_TO_TF_AXIS[ax]! : ax));
        const keep = intAttr(a, 'keepdims', 1) === 1;
        if (!keep && x.layout === 'nchw') throw new TfliteConversionError(`${node.name}: a mean that drops channels-first axes is not supported.`);
        return this.mean(x, axes, keep, name, x.layout);
      }
      case 'Relu':
        return this.activation(node, 'RELU');
      case 'Clip': {
        const min = ins[1] ? this.floatConstant(ins[1], node)[0]! : -Infinity;
        const max = ins[2] ? this.floatConstant(ins[2], node)[0]! : Infinity;
        if (min === 0 && max === 6) return this.activation(node, 'RELU6');
        if (min === 0 && max === Infinity) return this.activation(node, 'RELU');
        let x = this.value(ins[0]!, node);
        if (min > -Infinity) x = { ...x, tensor: this.g.op('MAXIMUM', [x.tensor, this.g.floats(`${name}/min`, Float32Array.of(min), [])], `${name}/max`, x.shape) };
        if (max < Infinity) x = { ...x, tensor: this.g.op('MINIMUM', [x.tensor, this.g.floats(`${name}/max`, Float32Array.of(max), [])], name, x.shape) };
        return x;
      }
      case 'Sigmoid':
      case 'Tanh': {
        const x = this.value(ins[0]!, node);
        return { ...x, tensor: this.g.op(node.opType === 'Sigmoid' ? 'LOGISTIC' : 'TANH', [x.tensor], name, x.shape) };
      }
      case 'Softmax': {
        const x = this.value(ins[0]!, node);
        const axis = intAttr(a, 'axis', -1);
        const rank = x.shape.length;
        const stored = axis < 0 ? axis + rank : axis;
        const tfAxis = x.layout === 'nchw' ? NCHW_TO_TF_AXIS[stored]! : stored;
        if (tfAxis !== rank - 1) throw new TfliteConversionError(`${node.name}: softmax over axis ${tfAxis} of ${rank}; TFLite's is over the last axis.`);
        return { ...x, tensor: this.g.op('SOFTMAX', [x.tensor], name, x.shape, { kind: 'SoftmaxOptions', beta: 1 }) };
      }
      case 'Add':
      case 'Mul':
      case 'Sub':
      case 'Div':
        return this.binary(node);
      case 'Gemm':
        return this.gemm(node, a);
      case 'MatMul':
        return this.fullyConnected(node, this.value(ins[0]!, node), this.floatConstant(ins[1], node), this.constant(ins[1], node).dims, null, name);
      case 'Pad':
        return this.pad(node, a);
      default:
        throw new TfliteConversionError(`${node.name}: ONNX op ${node.opType} has no TFLite translation here.`);
    }
  }

  private reshape(x: Value, shape: number[], name: string): Value {
    const tensor = this.g.op('RESHAPE', [x.tensor, this.g.int32s(`${name}/shape`, shape)], name, shape, { kind: 'ReshapeOptions', newShape: shape });
    return { tensor, layout: 'tf', shape };
  }

  private mean(x: Value, axes: number[], keepDims: boolean, name: string, layout: Value['layout']): Value {
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const tensor = this.g.op('MEAN', [x.tensor, this.g.int32s(`${name}/axes`, axes)], name, shape, { kind: 'ReducerOptions', keepDims });
    return { tensor, layout, shape };
  }

  /** Relu/Relu6 fused into the op that made its input when nothing else reads that input. */
  private activation(node: OnnxTypes.INodeProto, act: 'RELU' | 'RELU6'): Value {
    const inputName = node.input![0]!;
    const x = this.value(inputName, node);
    const producer = this.g.ops.find((o) => o.outputs[0] === x.tensor);
    const options = producer?.options;
    if (producer && options && 'activation' in options && options.activation === 'NONE' && this.useCount.get(inputName) === 1 && options.kind !== 'Pool2DOptions') {
      options.activation = act;
      this.g.tensors[x.tensor]!.name = node.output![0]!;
      return x;
    }
    return { ...x, tensor: this.g.op(act, [x.tensor], node.output![0]!, x.shape) };
  }

  private padding(x: Value, pads: number[] | null, autoPad: string | undefined, kernel: number[], strides: number[], dilations: number[], node: OnnxTypes.INodeProto): PaddingName {
    if (autoPad === 'SAME_UPPER') return 'SAME';
    const p = pads ?? [0, 0, 0, 0];
    if (p.every((v) => v === 0)) return 'VALID';
    const same = [0, 1].map((i) => samePads(x.shape[1 + i]!, kernel[i]!, strides[i]!, dilations[i]!));
    if (p[0] === same[0]![0] && p[1] === same[1]![0] && p[2] === same[0]![1] && p[3] === same[1]![1]) return 'SAME';
    throw new TfliteConversionError(`${node.name}: pads [${p.join(', ')}] are neither TF's SAME nor VALID.`);
  }

  private conv(node: OnnxTypes.INodeProto, a: Map<string, OnnxTypes.IAttributeProto>): Value {
    const ins = node.input!;
    const name = node.output![0]!;
    const x = this.value(ins[0]!, node);
    if (x.layout !== 'nchw') throw new TfliteConversionError(`${node.name}: a convolution reads a channels-first tensor.`);
    const w = this.constant(ins[1], node);
    const weights = this.floatConstant(ins[1], node);
    const [outC, perGroup, kh, kw] = w.dims as [number, number, number, number];
    const inC = x.shape[3]!;
    const group = intAttr(a, 'group', 1);
    const strides = intsAttr(a, 'strides') ?? [1, 1];
    const dilations = intsAttr(a, 'dilations') ?? [1, 1];
    const padding = this.padding(x, intsAttr(a, 'pads'), a.get('auto_pad')?.s ? new TextDecoder().decode(a.get('auto_pad')!.s!) : undefined, [kh, kw], strides, dilations, node);
    const bias = ins[2] ? this.floatConstant(ins[2], node) : new Float32Array(outC);
    const shape = [x.shape[0]!, outSize(x.shape[1]!, kh, strides[0]!, dilations[0]!, padding), outSize(x.shape[2]!, kw, strides[1]!, dilations[1]!, padding), outC];
    const biasTensor = this.g.floats(`${name}/bias`, bias, [outC]);
    const common = { padding, stride: [strides[0]!, strides[1]!] as [number, number], dilation: [dilations[0]!, dilations[1]!] as [number, number], activation: 'NONE' as const };
    let tensor: number;
    if (group === 1) {
      if (perGroup !== inC) throw new TfliteConversionError(`${node.name}: the kernel takes ${perGroup} channels, the input has ${inC}.`);
      // ONNX [O, I, kh, kw] → TFLite [O, kh, kw, I].
      const filter = new Float32Array(weights.length);
      for (let o = 0; o < outC; o++)
        for (let i = 0; i < inC; i++)
          for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) filter[((o * kh + y) * kw + xx) * inC + i] = weights[((o * inC + i) * kh + y) * kw + xx]!;
      tensor = this.g.op('CONV_2D', [x.tensor, this.g.floats(`${name}/filter`, filter, [outC, kh, kw, inC]), biasTensor], name, shape, { kind: 'Conv2DOptions', ...common });
    } else if (group === inC && perGroup === 1) {
      // ONNX [C*M, 1, kh, kw] → TFLite [1, kh, kw, C*M]; both number outputs c*M + m.
      const filter = new Float32Array(weights.length);
      for (let o = 0; o < outC; o++) for (let y = 0; y < kh; y++) for (let xx = 0; xx < kw; xx++) filter[(y * kw + xx) * outC + o] = weights[(o * kh + y) * kw + xx]!;
      tensor = this.g.op('DEPTHWISE_CONV_2D', [x.tensor, this.g.floats(`${name}/filter`, filter, [1, kh, kw, outC]), biasTensor], name, shape, {
        kind: 'DepthwiseConv2DOptions',
        ...common,
        depthMultiplier: outC / inC,
      });
    } else {
      throw new TfliteConversionError(`${node.name}: grouped convolutions (group ${group}) other than depthwise are not supported.`);
    }
    return { tensor, layout: 'nchw', shape };
  }

  private pool(node: OnnxTypes.INodeProto, a: Map<string, OnnxTypes.IAttributeProto>): Value {
    const x = this.value(node.input![0]!, node);
    const name = node.output![0]!;
    const kernel = intsAttr(a, 'kernel_shape') ?? [1, 1];
    const strides = intsAttr(a, 'strides') ?? [1, 1];
    if (node.opType === 'AveragePool' && intAttr(a, 'count_include_pad', 0) !== 0) throw new TfliteConversionError(`${node.name}: average pooling that counts padding is not TF's.`);
    const padding = this.padding(x, intsAttr(a, 'pads'), undefined, kernel, strides, [1, 1], node);
    const shape = [x.shape[0]!, outSize(x.shape[1]!, kernel[0]!, strides[0]!, 1, padding), outSize(x.shape[2]!, kernel[1]!, strides[1]!, 1, padding), x.shape[3]!];
    const op = node.opType === 'MaxPool' ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D';
    const tensor = this.g.op(op, [x.tensor], name, shape, { kind: 'Pool2DOptions', padding, stride: [strides[0]!, strides[1]!], filter: [kernel[0]!, kernel[1]!], activation: 'NONE' });
    return { tensor, layout: x.layout, shape };
  }

  private pad(node: OnnxTypes.INodeProto, a: Map<string, OnnxTypes.IAttributeProto>): Value {
    const x = this.value(node.input![0]!, node);
    const mode = a.get('mode')?.s ? new TextDecoder().decode(a.get('mode')!.s!) : 'constant';
    if (mode !== 'constant' || (node.input![2] && this.floatConstant(node.input![2], node)[0] !== 0)) throw new TfliteConversionError(`${node.name}: only zero padding is supported.`);
    const p = this.constant(node.input![1], node).data as number[];
    if (x.layout !== 'nchw' || p.length !== 8 || p[0] || p[1] || p[4] || p[5]) throw new TfliteConversionError(`${node.name}: only padding of H and W is supported (pads [${p.join(", ")}], ${x.layout}).`);
    const [top, left, bottom, right] = [p[2]!, p[3]!, p[6]!, p[7]!];
    const shape = [x.shape[0]!, x.shape[1]! + top + bottom, x.shape[2]! + left + right, x.shape[3]!];
    const paddings = this.g.int32s(`${node.output![0]}/paddings`, [0, 0, top, bottom, left, right, 0, 0], [4, 2]);
    return { tensor: this.g.op('PAD', [x.tensor, paddings], node.output![0]!, shape, { kind: 'PadOptions' }), layout: 'nchw', shape };
  }

  private binary(node: OnnxTypes.INodeProto): Value {
    const [aName, bName] = node.input as [string, string];
    const name = node.output![0]!;
    const operand = (n: string, other: Value | undefined): { tensor: number; value: Value | null } => {
      const v = this.values.get(n);
      if (v) return { tensor: v.tensor, value: v };
      const c = this.floatConstant(n, node);
      const size = c.length;
      // Scalars broadcast anywhere; [C], [C, 1, 1] and [1, C, 1, 1] are per channel, i.e. [C] in NHWC.
      if (size === 1) return { tensor: this.g.floats(`${name}/constant`, c, []), value: null };
      if (other && size === other.shape[other.shape.length - 1]) return { tensor: this.g.floats(`${name}/constant`, c, [size]), value: null };
      throw new TfliteConversionError(`${node.name}: a constant of ${size} values is neither a scalar nor per channel.`);
    };
    const first = this.values.get(aName);
    const second = this.values.get(bName);
    const x = first ?? second;
    if (!x) throw new TfliteConversionError(`${node.name}: both operands are constants.`);
    const lhs = operand(aName, x);
    const rhs = operand(bName, x);
    const op = ({ Add: 'ADD', Mul: 'MUL', Sub: 'SUB', Div: 'DIV' } as const)[node.opType as 'Add' | 'Mul' | 'Sub' | 'Div'];
    const kind = ({ ADD: 'AddOptions', MUL: 'MulOptions', SUB: 'SubOptions', DIV: 'DivOptions' } as const)[op];
    const tensor = this.g.op(op, [lhs.tensor, rhs.tensor], name, x.shape, { kind, activation: 'NONE' });
    return { ...x, tensor };
  }

  private gemm(node: OnnxTypes.INodeProto, a: Map<string, OnnxTypes.IAttributeProto>): Value {
    if (intAttr(a, 'transA', 0) || intAttr(a, 'transB', 0) || (a.get('alpha')?.f ?? 1) !== 1 || (a.get('beta')?.f ?? 1) !== 1) {
      throw new TfliteConversionError(`${node.name}: only a plain x·W + b Gemm is supported.`);
    }
    const ins = node.input!;
    const bias = ins[2] ? this.floatConstant(ins[2], node) : null;
    return this.fullyConnected(node, this.value(ins[0]!, node), this.floatConstant(ins[1], node), this.constant(ins[1], node).dims, bias, node.output![0]!);
  }

  private fullyConnected(node: OnnxTypes.INodeProto, x: Value, kernel: Float32Array, [inUnits, units]: number[], bias: Float32Array | null, name: string): Value {
    if (x.layout !== 'tf') throw new TfliteConversionError(`${node.name}: a dense layer reads channels-last values.`);
    // ONNX [in, out] → TFLite [out, in].
    const weights = new Float32Array(kernel.length);
    for (let i = 0; i < inUnits!; i++) for (let o = 0; o < units!; o++) weights[o * inUnits! + i] = kernel[i * units! + o]!;
    const shape = [...x.shape.slice(0, -1), units!];
    const inputs = [x.tensor, this.g.floats(`${name}/weights`, weights, [units!, inUnits!]), this.g.floats(`${name}/bias`, bias ?? new Float32Array(units!), [units!])];
    const tensor = this.g.op('FULLY_CONNECTED', inputs, name, shape, { kind: 'FullyConnectedOptions', activation: 'NONE', keepNumDims: x.shape.length > 2 });
    return { tensor, layout: 'tf', shape };
  }
}

/** The TFLite graph of an .onnx model written by the studio's ONNX converter. */
export function onnxToTflite(onnxBytes: Uint8Array): TfliteGraph {
  return new Translator(decodeModel(onnxBytes)).run();
}

export { bytesOf };
