// Serialises an OnnxGraph to .onnx bytes with onnx-proto's generated protobuf types.
import type { Attr, GraphIO, Initializer, OnnxGraph } from './graph.js';
import { onnx, type OnnxTypes } from './proto.js';

/** Opset 13: Softmax over one axis, Clip/Pad/Squeeze with tensor inputs; onnxruntime 1.x runs it everywhere. */
export const OPSET = 13;
/** IR version 8 is what onnx-proto 8 (ONNX 1.10) describes and what opset 13 needs at least (7). */
const IR_VERSION = 8;

export interface ModelInfo {
  graphName: string;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata: Record<string, string>;
}

function encodeAttr(name: string, a: Attr): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function encodeTensor(init: Initializer): OnnxTypes.ITensorProto {
  const isFloat = init.data instanceof Float32Array;
  // Raw little-endian bytes: compact, and what every runtime reads fastest. Node is little-endian
  // on every platform Electron ships for.
  const bytes = new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
  return {
    name: init.name,
    dims: init.dims,
    dataType: isFloat ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64,
    rawData: bytes,
  };
}

function valueInfo(io: GraphIO): OnnxTypes.IValueInfoProto {
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: io.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export function encodeModel(graph: OnnxGraph, info: ModelInfo): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: info.producerName,
    producerVersion: info.producerVersion,
    docString: info.docString ?? '',
    graph: {
      name: info.graphName,
      node: graph.nodes.map((n) => ({
        opType: n.opType,
        name: n.name,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([name, a]) => encodeAttr(name, a)),
      })),
      initializer: [...graph.initializers.values()].map(encodeTensor),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
    metadataProps: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): OnnxTypes.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
