// A TFLite model under construction, as plain objects: tensors (constants carry their bytes),
// operators in execution order, the subgraph's inputs and outputs, and named metadata. The
// quantizers rewrite it before write.ts serialises it; read.ts gives the same shape back.
import type { ActivationName, OpName, TensorTypeName } from './schema.js';

export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  /** The axis the scales run along (per-channel weights); 0 for per-tensor. */
  dim: number;
}

export interface TfliteTensor {
  name: string;
  shape: number[];
  type: TensorTypeName;
  /** Little-endian bytes of a constant; null for a value computed at run time. */
  data: Uint8Array | null;
  quant: QuantParams | null;
}

export type PaddingName = 'SAME' | 'VALID';
type Pair = [number, number];

export type OpOptions =
  | { kind: 'Conv2DOptions'; padding: PaddingName; stride: Pair; dilation: Pair; activation: ActivationName }
  | { kind: 'DepthwiseConv2DOptions'; padding: PaddingName; stride: Pair; dilation: Pair; depthMultiplier: number; activation: ActivationName }
  | { kind: 'Pool2DOptions'; padding: PaddingName; stride: Pair; filter: Pair; activation: ActivationName }
  | { kind: 'FullyConnectedOptions'; activation: ActivationName; keepNumDims: boolean }
  | { kind: 'SoftmaxOptions'; beta: number }
  | { kind: 'AddOptions' | 'MulOptions' | 'SubOptions' | 'DivOptions'; activation: ActivationName }
  | { kind: 'ReshapeOptions'; newShape: number[] }
  | { kind: 'ReducerOptions'; keepDims: boolean }
  | { kind: 'PadOptions' };

export interface TfliteOp {
  op: OpName;
  inputs: number[];
  outputs: number[];
  options: OpOptions | null;
}

export interface TfliteModelSpec {
  tensors: TfliteTensor[];
  ops: TfliteOp[];
  inputs: number[];
  outputs: number[];
  description: string;
  /** Model.metadata entries: name → bytes (our JSON, UTF-8). */
  metadata: Record<string, Uint8Array>;
}

export class TfliteGraph implements TfliteModelSpec {
  readonly tensors: TfliteTensor[] = [];
  readonly ops: TfliteOp[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];
  description = '';
  readonly metadata: Record<string, Uint8Array> = {};
  private readonly names = new Set<string>();

  private uniqueName(hint: string): string {
    let name = hint || 't';
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  tensor(name: string, shape: number[], type: TensorTypeName = 'FLOAT32', data: Uint8Array | null = null, quant: QuantParams | null = null): number {
    this.tensors.push({ name: this.uniqueName(name), shape: [...shape], type, data, quant });
    return this.tensors.length - 1;
  }

  floats(name: string, values: Float32Array, shape: number[]): number {
    return this.tensor(name, shape, 'FLOAT32', bytesOf(values));
  }

  int32s(name: string, values: number[], shape: number[] = [values.length]): number {
    return this.tensor(name, shape, 'INT32', bytesOf(Int32Array.from(values)));
  }

  /** Appends an op computing a new float32 tensor of `shape`; returns that tensor. */
  op(op: TfliteOp['op'], inputs: number[], name: string, shape: number[], options: OpOptions | null = null): number {
    const out = this.tensor(name, shape);
    this.ops.push({ op, inputs, outputs: [out], options });
    return out;
  }

  /** Ops reading tensor `t`. */
  readers(t: number): TfliteOp[] {
    return this.ops.filter((o) => o.inputs.includes(t));
  }
}

export function bytesOf(values: Float32Array | Int32Array | Int8Array | Uint8Array | Uint16Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

export function float32Of(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}
