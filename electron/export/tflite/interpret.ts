// Runs a .tflite file read back by read.ts, op by op on tfjs: the studio's own check of what it
// wrote, available on every machine (the real TFLite runtimes — Python's tf.lite.Interpreter,
// @tensorflow/tfjs-tflite in a browser — are checked against it in the tests). Float32 and
// float16 models are computed exactly as TFLite defines their ops; int8 models are simulated:
// weights dequantized, every activation rounded and clamped to its int8 grid, which matches
// TFLite's integer kernels up to their rounding of the requantization.
import * as tf from '@tensorflow/tfjs-core';
import { fromFloat16 } from '../../engine/embeddings/float16.js';
import type { QuantParams, TfliteOp, TfliteTensor } from './graph.js';
import type { ReadTflite } from './read.js';
import type { ActivationName } from './schema.js';

const RANGE: Partial<Record<TfliteTensor['type'], [number, number]>> = { INT8: [-128, 127], UINT8: [0, 255] };

function typed(t: TfliteTensor): Float32Array | Int32Array {
  const bytes = new Uint8Array(t.data!);
  switch (t.type) {
    case 'FLOAT32':
      return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    case 'FLOAT16':
      return fromFloat16(new Uint16Array(bytes.buffer, 0, bytes.length / 2));
    case 'INT32':
      return new Int32Array(bytes.buffer, 0, bytes.length / 4);
    case 'INT8':
      return Int32Array.from(new Int8Array(bytes.buffer));
    case 'UINT8':
      return Int32Array.from(bytes);
    default:
      throw new Error(`Constant ${t.name} has type ${t.type}, which the reader does not compute with.`);
  }
}

/** Real values of quantized integers, per channel along `dim` or per tensor. */
function dequantize(values: ArrayLike<number>, shape: number[], q: QuantParams): Float32Array {
  const out = new Float32Array(values.length);
  const inner = shape.slice(q.dim + 1).reduce((a, d) => a * d, 1);
  const channels = q.scale.length;
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = (values[i]! - (q.zeroPoint[c] ?? 0)) * q.scale[c]!;
  }
  return out;
}

function activate(x: tf.Tensor, a: ActivationName): tf.Tensor {
  return a === 'RELU' ? tf.relu(x) : a === 'RELU6' ? tf.relu6(x) : x;
}

/** Rounds to the tensor's integer grid and back: what an int8 kernel's output can hold. */
function fakeQuant(x: tf.Tensor, t: TfliteTensor): tf.Tensor {
  const range = RANGE[t.type];
  if (!range || !t.quant) return x;
  const s = t.quant.scale[0]!;
  const zp = t.quant.zeroPoint[0] ?? 0;
  return tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(x, s)), zp), range[0], range[1]), zp), s);
}

export class TfliteModelRunner {
  private readonly constants = new Map<number, tf.Tensor>();
  readonly inputShape: number[];
  readonly inputType: TfliteTensor['type'];

  constructor(private readonly model: ReadTflite) {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('The model must have one input and one output.');
    const input = model.tensors[model.inputs[0]!]!;
    this.inputShape = input.shape;
    this.inputType = input.type;
    model.tensors.forEach((t, i) => {
      if (!t.data) return;
      const values = typed(t);
      const real = t.quant && t.type !== 'FLOAT16' ? dequantize(values, t.shape, t.quant) : values;
      this.constants.set(i, tf.tensor(real, t.shape, real instanceof Int32Array ? 'int32' : 'float32'));
    });
  }

  private ints(index: number): number[] {
    const t = this.model.tensors[index]!;
    return Array.from(typed(t));
  }

  /** One example: raw pixels as the input tensor's type holds them (0..255). */
  private runOne(pixels: Float32Array, observe?: (tensor: number, value: tf.Tensor) => void): Float32Array {
    return tf.tidy(() => {
      const values = new Map<number, tf.Tensor>(this.constants);
      const inputIndex = this.model.inputs[0]!;
      const input = this.model.tensors[inputIndex]!;
      let x: tf.Tensor = tf.tensor(pixels, input.shape);
      if (RANGE[input.type] && input.quant) x = tf.mul(tf.sub(tf.clipByValue(tf.round(x), ...RANGE[input.type]!), input.quant.zeroPoint[0] ?? 0), input.quant.scale[0]!);
      values.set(inputIndex, x);
      for (const op of this.model.ops) {
        const out = this.model.tensors[op.outputs[0]!]!;
        const value = fakeQuant(this.compute(op, op.inputs.map((i) => values.get(i)!), out), out);
        observe?.(op.outputs[0]!, value);
        values.set(op.outputs[0]!, value);
      }
      return values.get(this.model.outputs[0]!)!.dataSync() as Float32Array;
    });
  }

  private compute(op: TfliteOp, ins: tf.Tensor[], out: TfliteTensor): tf.Tensor {
    const o = op.options;
    const [a, b, c] = ins as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    switch (op.op) {
      case 'CONV_2D': {
        if (o?.kind !== 'Conv2DOptions') break;
        const filter = tf.transpose(b, [1, 2, 3, 0]) as tf.Tensor4D;
        const y = tf.conv2d(a as tf.Tensor4D, filter, [o.stride[0], o.stride[1]], o.padding === 'SAME' ? 'same' : 'valid', 'NHWC', [o.dilation[0], o.dilation[1]]);
        return activate(c ? tf.add(y, c) : y, o.activation);
      }
      case 'DEPTHWISE_CONV_2D': {
        if (o?.kind !== 'DepthwiseConv2DOptions') break;
        const [, kh, kw, total] = b.shape as number[];
        const filter = tf.reshape(b, [kh!, kw!, total! / o.depthMultiplier, o.depthMultiplier]) as tf.Tensor4D;
        const y = tf.depthwiseConv2d(a as tf.Tensor4D, filter, [o.stride[0], o.stride[1]], o.padding === 'SAME' ? 'same' : 'valid', 'NHWC', [o.dilation[0], o.dilation[1]]);
        return activate(c ? tf.add(y, c) : y, o.activation);
      }
      case 'FULLY_CONNECTED': {
        if (o?.kind !== 'FullyConnectedOptions') break;
        const flat = tf.reshape(a, [-1, b.shape[1]!]);
        const y = tf.matMul(flat, b, false, true);
        return tf.reshape(activate(c ? tf.add(y, c) : y, o.activation), out.shape);
      }
      case 'AVERAGE_POOL_2D':
      case 'MAX_POOL_2D': {
        if (o?.kind !== 'Pool2DOptions') break;
        const pool = op.op === 'MAX_POOL_2D' ? tf.maxPool : tf.avgPool;
        return activate(pool(a as tf.Tensor4D, o.filter, o.stride, o.padding === 'SAME' ? 'same' : 'valid'), o.activation);
      }
      case 'MEAN':
        return tf.mean(a, this.ints(op.inputs[1]!), o?.kind === 'ReducerOptions' && o.keepDims);
      case 'RESHAPE':
        return tf.reshape(a, out.shape);
      case 'SOFTMAX':
        return tf.softmax(o?.kind === 'SoftmaxOptions' && o.beta !== 1 ? tf.mul(a, o.beta) : a);
      case 'PAD': {
        const p = this.ints(op.inputs[1]!);
        return tf.pad(a, [0, 1, 2, 3].map((i) => [p[2 * i]!, p[2 * i + 1]!] as [number, number]));
      }
      case 'ADD':
      case 'SUB':
      case 'MUL':
      case 'DIV': {
        const f = { ADD: tf.add, SUB: tf.sub, MUL: tf.mul, DIV: tf.div }[op.op];
        return activate(f(a, b), o && 'activation' in o ? o.activation : 'NONE');
      }
      case 'RELU':
        return tf.relu(a);
      case 'RELU6':
        return tf.relu6(a);
      case 'LOGISTIC':
        return tf.sigmoid(a);
      case 'TANH':
        return tf.tanh(a);
      case 'MAXIMUM':
        return tf.maximum(a, b);
      case 'MINIMUM':
        return tf.minimum(a, b);
      case 'DEQUANTIZE':
      case 'QUANTIZE':
        // Values are already real numbers here; QUANTIZE's rounding is the fakeQuant after it.
        return a;
    }
    throw new Error(`Operator ${op.op} with ${o?.kind ?? 'no'} options cannot be computed by the studio's reader.`);
  }

  /** Raw RGB 0..255 NHWC, `count` examples, run one at a time as the [1, H, W, 3] model takes them. */
  predict(raw: Float32Array, count: number): Float32Array {
    const per = this.inputShape.reduce((a, d) => a * d, 1);
    const rows: Float32Array[] = [];
    for (let i = 0; i < count; i++) rows.push(this.runOne(raw.subarray(i * per, (i + 1) * per)));
    const out = new Float32Array(rows.reduce((a, r) => a + r.length, 0));
    rows.forEach((r, i) => out.set(r, i * r.length));
    return out;
  }

  /** Min and max of every computed tensor over `count` examples (int8 calibration). */
  ranges(raw: Float32Array, count: number): Map<number, [number, number]> {
    const per = this.inputShape.reduce((a, d) => a * d, 1);
    const seen = new Map<number, [number, number]>();
    const observe = (tensor: number, value: tf.Tensor) => {
      const lo = tf.min(value).dataSync()[0]!;
      const hi = tf.max(value).dataSync()[0]!;
      const r = seen.get(tensor);
      seen.set(tensor, r ? [Math.min(r[0], lo), Math.max(r[1], hi)] : [lo, hi]);
    };
    for (let i = 0; i < count; i++) this.runOne(raw.subarray(i * per, (i + 1) * per), observe);
    return seen;
  }

  dispose(): void {
    for (const t of this.constants.values()) t.dispose();
    this.constants.clear();
  }
}
