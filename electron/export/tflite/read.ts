// Reads a .tflite file back into a TfliteModelSpec, straight from the flatbuffer (no generated
// code): the export reloads what it wrote this way, so what is checked is the file on disk, not
// the graph in memory. Only the tables and options the studio writes are understood; anything
// else is reported by name rather than misread.
import * as flatbuffers from 'flatbuffers';
import type { OpOptions, PaddingName, TfliteModelSpec, TfliteOp, TfliteTensor } from './graph.js';
import { Activation, BuiltinOperator, BuiltinOptions, FILE_IDENTIFIER, OptionFields, Padding, Slot, TensorType, type ActivationName, type OpName, type TensorTypeName } from './schema.js';

const invert = <K extends string>(o: Record<K, number>) => new Map(Object.entries(o).map(([k, v]) => [v as number, k as K]));
const OPS = invert(BuiltinOperator);
const TYPES = invert(TensorType);
const OPTIONS = invert(BuiltinOptions);
const ACTIVATIONS = invert(Activation);
const PADDINGS = invert(Padding);

class Table {
  constructor(
    private readonly bb: flatbuffers.ByteBuffer,
    readonly pos: number,
  ) {}

  private field(slot: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * slot);
  }
  has(slot: number): boolean {
    return this.field(slot) !== 0;
  }
  int8(slot: number, fallback: number): number {
    const o = this.field(slot);
    return o ? this.bb.readInt8(this.pos + o) : fallback;
  }
  int32(slot: number, fallback: number): number {
    const o = this.field(slot);
    return o ? this.bb.readInt32(this.pos + o) : fallback;
  }
  float32(slot: number, fallback: number): number {
    const o = this.field(slot);
    return o ? this.bb.readFloat32(this.pos + o) : fallback;
  }
  string(slot: number): string {
    const o = this.field(slot);
    return o ? (this.bb.__string(this.pos + o) as string) : '';
  }
  table(slot: number): Table | null {
    const o = this.field(slot);
    return o ? new Table(this.bb, this.bb.__indirect(this.pos + o)) : null;
  }
  tables(slot: number): Table[] {
    const o = this.field(slot);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    return Array.from({ length: this.bb.__vector_len(this.pos + o) }, (_, i) => new Table(this.bb, this.bb.__indirect(start + 4 * i)));
  }
  private vector<T>(slot: number, size: number, read: (at: number) => T): T[] {
    const o = this.field(slot);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    return Array.from({ length: this.bb.__vector_len(this.pos + o) }, (_, i) => read(start + size * i));
  }
  int32s(slot: number): number[] {
    return this.vector(slot, 4, (at) => this.bb.readInt32(at));
  }
  float32s(slot: number): number[] {
    return this.vector(slot, 4, (at) => this.bb.readFloat32(at));
  }
  int64s(slot: number): number[] {
    return this.vector(slot, 8, (at) => Number(this.bb.readInt64(at)));
  }
  bytes(slot: number): Uint8Array | null {
    const o = this.field(slot);
    if (!o) return null;
    const start = this.bb.__vector(this.pos + o);
    return this.bb.bytes().slice(start, start + this.bb.__vector_len(this.pos + o));
  }
}

function readOptions(kind: string, t: Table | null): OpOptions | null {
  if (!t) return null;
  const act = (slot: number): ActivationName => ACTIVATIONS.get(t.int8(slot, 0)) ?? fail(`fused activation ${t.int8(slot, 0)}`);
  const pad = (slot: number): PaddingName => (PADDINGS.get(t.int8(slot, 0)) as PaddingName | undefined) ?? fail(`padding ${t.int8(slot, 0)}`);
  switch (kind) {
    case 'Conv2DOptions': {
      const f = OptionFields.Conv2DOptions;
      return { kind, padding: pad(f.padding), stride: [t.int32(f.strideH, 0), t.int32(f.strideW, 0)], dilation: [t.int32(f.dilationH, 1), t.int32(f.dilationW, 1)], activation: act(f.fusedActivation) };
    }
    case 'DepthwiseConv2DOptions': {
      const f = OptionFields.DepthwiseConv2DOptions;
      return {
        kind,
        padding: pad(f.padding),
        stride: [t.int32(f.strideH, 0), t.int32(f.strideW, 0)],
        dilation: [t.int32(f.dilationH, 1), t.int32(f.dilationW, 1)],
        depthMultiplier: t.int32(f.depthMultiplier, 0),
        activation: act(f.fusedActivation),
      };
    }
    case 'Pool2DOptions': {
      const f = OptionFields.Pool2DOptions;
      return { kind, padding: pad(f.padding), stride: [t.int32(f.strideH, 0), t.int32(f.strideW, 0)], filter: [t.int32(f.filterHeight, 0), t.int32(f.filterWidth, 0)], activation: act(f.fusedActivation) };
    }
    case 'FullyConnectedOptions':
      return { kind, activation: act(OptionFields.FullyConnectedOptions.fusedActivation), keepNumDims: t.int8(OptionFields.FullyConnectedOptions.keepNumDims, 0) === 1 };
    case 'SoftmaxOptions':
      return { kind, beta: t.float32(OptionFields.SoftmaxOptions.beta, 0) };
    case 'AddOptions':
    case 'MulOptions':
    case 'SubOptions':
    case 'DivOptions':
      return { kind, activation: act(0) };
    case 'ReshapeOptions':
      return { kind, newShape: t.int32s(OptionFields.ReshapeOptions.newShape) };
    case 'ReducerOptions':
      return { kind, keepDims: t.int8(OptionFields.ReducerOptions.keepDims, 0) === 1 };
    case 'PadOptions':
      return { kind };
    default:
      return fail(`builtin options ${kind}`);
  }
}

function fail(what: string): never {
  throw new Error(`This .tflite file uses ${what}, which the studio's reader does not understand.`);
}

export interface ReadTflite extends TfliteModelSpec {
  version: number;
}

export function readTflite(bytes: Uint8Array): ReadTflite {
  const bb = new flatbuffers.ByteBuffer(bytes);
  if (bytes.length < 8 || !bb.__has_identifier(FILE_IDENTIFIER)) throw new Error(`This is not a TFLite flatbuffer (no "${FILE_IDENTIFIER}" identifier).`);
  const model = new Table(bb, bb.readInt32(bb.position()) + bb.position());
  const buffers = model.tables(Slot.Model.buffers).map((b) => b.bytes(Slot.Buffer.data));
  const opcodes = model.tables(Slot.Model.operatorCodes).map((c) => {
    const code = Math.max(c.int8(Slot.OperatorCode.deprecatedBuiltinCode, 0), c.int32(Slot.OperatorCode.builtinCode, 0));
    return OPS.get(code) ?? fail(`builtin operator ${code}`);
  });
  const subgraphs = model.tables(Slot.Model.subgraphs);
  if (subgraphs.length !== 1) fail(`${subgraphs.length} subgraphs`);
  const sg = subgraphs[0]!;
  const tensors: TfliteTensor[] = sg.tables(Slot.SubGraph.tensors).map((t) => {
    const typeCode = t.int8(Slot.Tensor.type, 0);
    const type: TensorTypeName = TYPES.get(typeCode) ?? fail(`tensor type ${typeCode}`);
    const q = t.table(Slot.Tensor.quantization);
    const scale = q?.float32s(Slot.QuantizationParameters.scale) ?? [];
    const data = buffers[t.int32(Slot.Tensor.buffer, 0)] ?? null;
    return {
      name: t.string(Slot.Tensor.name),
      shape: t.int32s(Slot.Tensor.shape),
      type,
      data: data && data.length > 0 ? data : null,
      quant: q && scale.length > 0 ? { scale, zeroPoint: q.int64s(Slot.QuantizationParameters.zeroPoint), dim: q.int32(Slot.QuantizationParameters.quantizedDimension, 0) } : null,
    };
  });
  const ops: TfliteOp[] = sg.tables(Slot.SubGraph.operators).map((o) => {
    const op: OpName = opcodes[o.int32(Slot.Operator.opcodeIndex, 0)] ?? fail('an operator code index out of range');
    const kind = OPTIONS.get(o.int8(Slot.Operator.builtinOptionsType, 0)) ?? 'NONE';
    return { op, inputs: o.int32s(Slot.Operator.inputs), outputs: o.int32s(Slot.Operator.outputs), options: kind === 'NONE' ? null : readOptions(kind, o.table(Slot.Operator.builtinOptions)) };
  });
  const metadata = Object.fromEntries(model.tables(Slot.Model.metadata).map((m) => [m.string(Slot.Metadata.name), buffers[m.int32(Slot.Metadata.buffer, 0)] ?? new Uint8Array()]));
  return {
    version: model.int32(Slot.Model.version, 0),
    tensors,
    ops,
    inputs: sg.int32s(Slot.SubGraph.inputs),
    outputs: sg.int32s(Slot.SubGraph.outputs),
    description: model.string(Slot.Model.description),
    metadata,
  };
}
