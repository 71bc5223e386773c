// Full-integer int8 quantization of a float32 TFLite graph, as TFLite's post-training
// quantization defines it: weights int8 symmetric (per output channel for convolutions), biases
// int32 at input scale × weight scale, every activation int8 with a scale and zero point from the
// ranges it takes on calibration photos. The input becomes uint8 raw pixels: the model's own
// pixel scaling (x / d - o, the first ops) moves into the input's quantization parameters, and
// one QUANTIZE op turns it into int8. Softmax outputs use TFLite's fixed 1/256 scale; reshapes
// and pools keep their input's parameters, as their int8 kernels require. The output stays
// float32 through a final DEQUANTIZE, so callers read probabilities as before.
import { bytesOf, float32Of, type QuantParams, type TfliteGraph, type TfliteOp } from './graph.js';
import { TfliteModelRunner } from './interpret.js';

export class Int8QuantizationError extends Error {
  override name = 'Int8QuantizationError';
}

const SAME_AS_INPUT = new Set<TfliteOp['op']>(['RESHAPE', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'PAD']);
const FIXED: Partial<Record<TfliteOp['op'], QuantParams>> = {
  SOFTMAX: { scale: [1 / 256], zeroPoint: [-128], dim: 0 },
  LOGISTIC: { scale: [1 / 256], zeroPoint: [-128], dim: 0 },
  TANH: { scale: [1 / 128], zeroPoint: [0], dim: 0 },
};

/** Asymmetric int8 parameters covering [lo, hi] and always 0 (padding and ReLU zeros stay exact). */
function activationParams(lo: number, hi: number): QuantParams {
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  const scale = Math.max((max - min) / 255, 1e-8);
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale: [scale], zeroPoint: [zeroPoint], dim: 0 };
}

/** Symmetric int8 per slice along `dim` (or one scale when dim is null). */
function symmetricInt8(values: Float32Array, shape: number[], dim: number | null): { data: Int8Array; quant: QuantParams } {
  const channels = dim === null ? 1 : shape[dim]!;
  const inner = dim === null ? values.length : shape.slice(dim + 1).reduce((a, d) => a * d, 1);
  const channelOf = (i: number) => (dim === null ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  values.forEach((v, i) => (maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)]!, Math.abs(v))));
  const scale = Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const data = Int8Array.from(values, (v, i) => Math.max(-127, Math.min(127, Math.round(v / scale[channelOf(i)]!))));
  return { data, quant: { scale, zeroPoint: scale.map(() => 0), dim: dim ?? 0 } };
}

/** The chain of scalar arithmetic the model starts with, as raw → raw · a + b. */
function inputAffine(g: TfliteGraph): { a: number; b: number; end: number; ops: TfliteOp[] } {
  let a = 1;
  let b = 0;
  let end = g.inputs[0]!;
  const ops: TfliteOp[] = [];
  for (;;) {
    const readers = g.readers(end);
    const op = readers[0];
    if (readers.length !== 1 || !op || !['DIV', 'SUB', 'MUL', 'ADD'].includes(op.op) || op.inputs[0] !== end) break;
    const c = g.tensors[op.inputs[1]!]!;
    if (!c.data || c.type !== 'FLOAT32' || c.shape.reduce((p, d) => p * d, 1) !== 1) break;
    const k = float32Of(c.data)[0]!;
    if (op.op === 'DIV') [a, b] = [a / k, b / k];
    else if (op.op === 'MUL') [a, b] = [a * k, b * k];
    else if (op.op === 'SUB') b -= k;
    else b += k;
    ops.push(op);
    end = op.outputs[0]!;
  }
  return { a, b, end, ops };
}

export interface Int8Report {
  /** How the uint8 input maps to the model's scaled input: real = scale · (q − zeroPoint). */
  input: QuantParams;
  /** The scaled input the float model computes, minus what the uint8 input represents, at most. */
  inputOffsetError: number;
  calibrationImages: number;
}

/** Quantizes `g` in place; `calibration` holds `count` raw RGB images (0..255, NHWC). */
export function toInt8(g: TfliteGraph, calibration: Float32Array, count: number): Int8Report {
  if (count === 0) throw new Int8QuantizationError('There are no training photos to calibrate the int8 model on.');
  const runner = new TfliteModelRunner({ ...g, version: 3 });
  let ranges: Map<number, [number, number]>;
  try {
    ranges = runner.ranges(calibration, count);
  } finally {
    runner.dispose();
  }

  // Input: uint8 raw pixels whose parameters carry the model's scaling, then QUANTIZE to int8.
  const oldInput = g.inputs[0]!;
  const { a, b, end, ops: prefix } = inputAffine(g);
  const zeroPoint = Math.round(-b / a);
  if (a <= 0 || zeroPoint < 0 || zeroPoint > 255) throw new Int8QuantizationError(`The input scaling x · ${a} + ${b} does not fit a uint8 input.`);
  const inputQuant: QuantParams = { scale: [a], zeroPoint: [zeroPoint], dim: 0 };
  const input = g.tensors[oldInput]!;
  input.type = 'UINT8';
  input.quant = inputQuant;
  for (const op of prefix) g.ops.splice(g.ops.indexOf(op), 1);
  let scaled = end;
  if (scaled === oldInput) {
    scaled = g.tensor(`${input.name}/int8`, input.shape);
    for (const op of g.ops) op.inputs = op.inputs.map((i) => (i === oldInput ? scaled : i));
  }
  const scaledTensor = g.tensors[scaled]!;
  scaledTensor.type = 'INT8';
  scaledTensor.quant = { scale: [a], zeroPoint: [zeroPoint - 128], dim: 0 };
  g.ops.unshift({ op: 'QUANTIZE', inputs: [oldInput], outputs: [scaled], options: null });

  const params = (t: number): QuantParams => {
    const q = g.tensors[t]!.quant;
    if (!q) throw new Int8QuantizationError(`Tensor ${g.tensors[t]!.name} has no quantization parameters yet.`);
    return q;
  };
  const quantizeConstant = (t: number, dim: number | null, symmetric: boolean) => {
    const tensor = g.tensors[t]!;
    if (!tensor.data || tensor.type !== 'FLOAT32') return;
    const values = float32Of(tensor.data);
    if (symmetric) {
      const q = symmetricInt8(values, tensor.shape, dim);
      Object.assign(tensor, { type: 'INT8', data: bytesOf(q.data), quant: q.quant });
    } else {
      const quant = activationParams(Math.min(...values), Math.max(...values));
      const data = Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / quant.scale[0]!) + quant.zeroPoint[0]!)));
      Object.assign(tensor, { type: 'INT8', data: bytesOf(data), quant });
    }
  };
  const quantizeBias = (t: number, inputScale: number, weightScales: number[]) => {
    const tensor = g.tensors[t]!;
    if (!tensor.data) return;
    const values = float32Of(tensor.data);
    // One scale per output channel when the weights have them, else one for the tensor.
    const scale = weightScales.map((s) => s * inputScale);
    const data = Int32Array.from(values, (v, i) => Math.round(v / scale[scale.length === 1 ? 0 : i]!));
    Object.assign(tensor, { type: 'INT32', data: bytesOf(data), quant: { scale, zeroPoint: scale.map(() => 0), dim: 0 } });
  };

  for (const op of g.ops) {
    if (op.op === 'QUANTIZE') continue;
    const [x, w, bias] = op.inputs as [number, number | undefined, number | undefined];
    if (op.op === 'DIV') throw new Int8QuantizationError('A division inside the model has no int8 kernel in TFLite.');
    if (op.op === 'CONV_2D' || op.op === 'DEPTHWISE_CONV_2D') {
      quantizeConstant(w!, op.op === 'CONV_2D' ? 0 : 3, true);
      if (bias !== undefined) quantizeBias(bias, params(x).scale[0]!, params(w!).scale);
    } else if (op.op === 'FULLY_CONNECTED') {
      quantizeConstant(w!, null, true);
      if (bias !== undefined) quantizeBias(bias, params(x).scale[0]!, params(w!).scale);
    } else {
      for (const i of op.inputs) if (g.tensors[i]!.type === 'FLOAT32' && g.tensors[i]!.data) quantizeConstant(i, null, false);
    }
    const out = g.tensors[op.outputs[0]!]!;
    const range = ranges.get(op.outputs[0]!);
    out.type = 'INT8';
    if (SAME_AS_INPUT.has(op.op)) out.quant = { ...params(x) };
    else if (FIXED[op.op]) out.quant = FIXED[op.op]!;
    else if (range) out.quant = activationParams(range[0], range[1]);
    else throw new Int8QuantizationError(`Tensor ${out.name} was not seen during calibration.`);
  }

  // The output back to float32 probabilities under its old name.
  const oldOutput = g.outputs[0]!;
  const name = g.tensors[oldOutput]!.name;
  g.tensors[oldOutput]!.name = `${name}/int8`;
  const output = g.tensor(name, g.tensors[oldOutput]!.shape);
  g.tensors[output]!.name = name;
  g.ops.push({ op: 'DEQUANTIZE', inputs: [oldOutput], outputs: [output], options: null });
  g.outputs[0] = output;
  return { input: inputQuant, inputOffsetError: Math.abs(b + zeroPoint * a), calibrationImages: count };
}
