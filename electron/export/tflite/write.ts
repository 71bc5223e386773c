// Serialises a TfliteModelSpec to .tflite bytes with the flatbuffers runtime, table by table as
// schema.fbs lays them out. Buffer 0 is the empty buffer the format reserves; every constant
// tensor and every metadata entry gets its own buffer, its data aligned to 16 bytes as the
// TFLite converter aligns it (kernels may read weights in place).
import * as flatbuffers from 'flatbuffers';
import type { OpOptions, TfliteModelSpec, TfliteOp, TfliteTensor } from './graph.js';
import { Activation, BuiltinOperator, BuiltinOptions, FILE_IDENTIFIER, OptionFields, Padding, SCHEMA_VERSION, Slot, TensorType } from './schema.js';

type Builder = flatbuffers.Builder;
type Offset = flatbuffers.Offset;

function offsets(b: Builder, items: Offset[]): Offset {
  b.startVector(4, items.length, 4);
  for (let i = items.length - 1; i >= 0; i--) b.addOffset(items[i]!);
  return b.endVector();
}

function int32s(b: Builder, items: readonly number[]): Offset {
  b.startVector(4, items.length, 4);
  for (let i = items.length - 1; i >= 0; i--) b.addInt32(items[i]!);
  return b.endVector();
}

function bytes(b: Builder, data: Uint8Array): Offset {
  b.startVector(1, data.length, 16);
  for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]!);
  return b.endVector();
}

/** Per-op version: int8 kernels need the version that introduced them, float ones are 1. */
function opVersion(op: TfliteOp, tensors: TfliteTensor[]): number {
  const input = tensors[op.inputs[0] ?? -1];
  if (op.op === 'DEQUANTIZE' && input?.type === 'FLOAT16') return 3;
  const int8 = op.inputs.some((i) => tensors[i]?.type === 'INT8') || op.outputs.some((o) => tensors[o]?.type === 'INT8');
  if (!int8) return 1;
  const versions: Partial<Record<TfliteOp['op'], number>> = { CONV_2D: 3, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 4, QUANTIZE: 1, RESHAPE: 1 };
  return versions[op.op] ?? 2;
}

function writeOptions(b: Builder, o: OpOptions): Offset {
  const act = (a: keyof typeof Activation) => Activation[a];
  switch (o.kind) {
    case 'Conv2DOptions': {
      const f = OptionFields.Conv2DOptions;
      b.startObject(7);
      b.addFieldInt8(f.padding, Padding[o.padding], -1);
      b.addFieldInt32(f.strideW, o.stride[1], -1);
      b.addFieldInt32(f.strideH, o.stride[0], -1);
      b.addFieldInt8(f.fusedActivation, act(o.activation), -1);
      b.addFieldInt32(f.dilationW, o.dilation[1], -1);
      b.addFieldInt32(f.dilationH, o.dilation[0], -1);
      return b.endObject();
    }
    case 'DepthwiseConv2DOptions': {
      const f = OptionFields.DepthwiseConv2DOptions;
      b.startObject(7);
      b.addFieldInt8(f.padding, Padding[o.padding], -1);
      b.addFieldInt32(f.strideW, o.stride[1], -1);
      b.addFieldInt32(f.strideH, o.stride[0], -1);
      b.addFieldInt32(f.depthMultiplier, o.depthMultiplier, -1);
      b.addFieldInt8(f.fusedActivation, act(o.activation), -1);
      b.addFieldInt32(f.dilationW, o.dilation[1], -1);
      b.addFieldInt32(f.dilationH, o.dilation[0], -1);
      return b.endObject();
    }
    case 'Pool2DOptions': {
      const f = OptionFields.Pool2DOptions;
      b.startObject(6);
      b.addFieldInt8(f.padding, Padding[o.padding], -1);
      b.addFieldInt32(f.strideW, o.stride[1], -1);
      b.addFieldInt32(f.strideH, o.stride[0], -1);
      b.addFieldInt32(f.filterWidth, o.filter[1], -1);
      b.addFieldInt32(f.filterHeight, o.filter[0], -1);
      b.addFieldInt8(f.fusedActivation, act(o.activation), -1);
      return b.endObject();
    }
    case 'FullyConnectedOptions': {
      const f = OptionFields.FullyConnectedOptions;
      b.startObject(5);
      b.addFieldInt8(f.fusedActivation, act(o.activation), -1);
      b.addFieldInt8(f.keepNumDims, o.keepNumDims ? 1 : 0, -1);
      return b.endObject();
    }
    case 'SoftmaxOptions':
      b.startObject(1);
      b.addFieldFloat32(OptionFields.SoftmaxOptions.beta, o.beta, -1);
      return b.endObject();
    case 'AddOptions':
    case 'MulOptions':
    case 'SubOptions':
    case 'DivOptions':
      b.startObject(2);
      b.addFieldInt8(0, act(o.activation), -1);
      return b.endObject();
    case 'ReshapeOptions': {
      const shape = int32s(b, o.newShape);
      b.startObject(1);
      b.addFieldOffset(OptionFields.ReshapeOptions.newShape, shape, 0);
      return b.endObject();
    }
    case 'ReducerOptions':
      b.startObject(1);
      b.addFieldInt8(OptionFields.ReducerOptions.keepDims, o.keepDims ? 1 : 0, -1);
      return b.endObject();
    case 'PadOptions':
      b.startObject(0);
      return b.endObject();
  }
}

function writeTensor(b: Builder, t: TfliteTensor, buffer: number): Offset {
  const shape = int32s(b, t.shape);
  const name = b.createString(t.name);
  let quant = 0;
  if (t.quant) {
    b.startVector(4, t.quant.scale.length, 4);
    for (let i = t.quant.scale.length - 1; i >= 0; i--) b.addFloat32(t.quant.scale[i]!);
    const scale = b.endVector();
    b.startVector(8, t.quant.zeroPoint.length, 8);
    for (let i = t.quant.zeroPoint.length - 1; i >= 0; i--) b.addInt64(BigInt(t.quant.zeroPoint[i]!));
    const zeroPoint = b.endVector();
    const f = Slot.QuantizationParameters;
    b.startObject(7);
    b.addFieldOffset(f.scale, scale, 0);
    b.addFieldOffset(f.zeroPoint, zeroPoint, 0);
    b.addFieldInt32(f.quantizedDimension, t.quant.dim, -1);
    quant = b.endObject();
  }
  const f = Slot.Tensor;
  b.startObject(11);
  b.addFieldOffset(f.shape, shape, 0);
  b.addFieldInt8(f.type, TensorType[t.type], -1);
  b.addFieldInt32(f.buffer, buffer, -1);
  b.addFieldOffset(f.name, name, 0);
  if (quant) b.addFieldOffset(f.quantization, quant, 0);
  return b.endObject();
}

function tensorMaps(b: Builder, spec: TfliteModelSpec, indices: number[]): Offset {
  return offsets(
    b,
    indices.map((index) => {
      const name = b.createString(spec.tensors[index]!.name);
      b.startObject(2);
      b.addFieldOffset(Slot.TensorMap.name, name, 0);
      b.addFieldInt32(Slot.TensorMap.tensorIndex, index, -1);
      return b.endObject();
    }),
  );
}

export function writeTflite(spec: TfliteModelSpec): Uint8Array {
  const b = new flatbuffers.Builder(1 << 20);

  // Buffers: 0 is empty; then one per constant tensor, then one per metadata entry.
  const bufferData: Array<Uint8Array | null> = [null];
  const tensorBuffer = spec.tensors.map((t) => (t.data ? bufferData.push(t.data) - 1 : 0));
  const metadataEntries = Object.entries(spec.metadata).map(([name, data]) => ({ name, buffer: bufferData.push(data) - 1 }));

  const opNames = [...new Set(spec.ops.map((o) => `${o.op}:${opVersion(o, spec.tensors)}`))];
  const operatorCodes = offsets(
    b,
    opNames.map((key) => {
      const [name, version] = key.split(':') as [keyof typeof BuiltinOperator, string];
      const code = BuiltinOperator[name];
      const f = Slot.OperatorCode;
      b.startObject(4);
      // Codes above 127 live only in builtin_code; the deprecated byte then says "placeholder".
      b.addFieldInt8(f.deprecatedBuiltinCode, Math.min(code, 127), 0);
      b.addFieldInt32(f.version, Number(version), 1);
      b.addFieldInt32(f.builtinCode, code, 0);
      return b.endObject();
    }),
  );

  const tensors = offsets(b, spec.tensors.map((t, i) => writeTensor(b, t, tensorBuffer[i]!)));
  const operators = offsets(
    b,
    spec.ops.map((o) => {
      const inputs = int32s(b, o.inputs);
      const outputs = int32s(b, o.outputs);
      const options = o.options ? writeOptions(b, o.options) : 0;
      const f = Slot.Operator;
      b.startObject(14);
      b.addFieldInt32(f.opcodeIndex, opNames.indexOf(`${o.op}:${opVersion(o, spec.tensors)}`), -1);
      b.addFieldOffset(f.inputs, inputs, 0);
      b.addFieldOffset(f.outputs, outputs, 0);
      if (o.options) {
        b.addFieldInt8(f.builtinOptionsType, BuiltinOptions[o.options.kind], -1);
        b.addFieldOffset(f.builtinOptions, options, 0);
      }
      return b.endObject();
    }),
  );
  const inputs = int32s(b, spec.inputs);
  const outputs = int32s(b, spec.outputs);
  const subgraphName = b.createString('main');
  b.startObject(6);
  b.addFieldOffset(Slot.SubGraph.tensors, tensors, 0);
  b.addFieldOffset(Slot.SubGraph.inputs, inputs, 0);
  b.addFieldOffset(Slot.SubGraph.outputs, outputs, 0);
  b.addFieldOffset(Slot.SubGraph.operators, operators, 0);
  b.addFieldOffset(Slot.SubGraph.name, subgraphName, 0);
  const subgraphs = offsets(b, [b.endObject()]);

  // A "serving_default" signature names the input and output, for get_signature_runner().
  const sigInputs = tensorMaps(b, spec, spec.inputs);
  const sigOutputs = tensorMaps(b, spec, spec.outputs);
  const sigKey = b.createString('serving_default');
  b.startObject(5);
  b.addFieldOffset(Slot.SignatureDef.inputs, sigInputs, 0);
  b.addFieldOffset(Slot.SignatureDef.outputs, sigOutputs, 0);
  b.addFieldOffset(Slot.SignatureDef.signatureKey, sigKey, 0);
  b.addFieldInt32(Slot.SignatureDef.subgraphIndex, 0, -1);
  const signatureDefs = offsets(b, [b.endObject()]);

  const buffers = offsets(
    b,
    bufferData.map((data) => {
      const vector = data ? bytes(b, data) : 0;
      b.startObject(3);
      if (vector) b.addFieldOffset(Slot.Buffer.data, vector, 0);
      return b.endObject();
    }),
  );
  const metadata = offsets(
    b,
    metadataEntries.map((m) => {
      const name = b.createString(m.name);
      b.startObject(2);
      b.addFieldOffset(Slot.Metadata.name, name, 0);
      b.addFieldInt32(Slot.Metadata.buffer, m.buffer, -1);
      return b.endObject();
    }),
  );
  const description = b.createString(spec.description);

  const f = Slot.Model;
  b.startObject(10);
  b.addFieldInt32(f.version, SCHEMA_VERSION, -1);
  b.addFieldOffset(f.operatorCodes, operatorCodes, 0);
  b.addFieldOffset(f.subgraphs, subgraphs, 0);
  b.addFieldOffset(f.description, description, 0);
  b.addFieldOffset(f.buffers, buffers, 0);
  b.addFieldOffset(f.metadata, metadata, 0);
  b.addFieldOffset(f.signatureDefs, signatureDefs, 0);
  b.finish(b.endObject(), FILE_IDENTIFIER);
  return b.asUint8Array();
}
