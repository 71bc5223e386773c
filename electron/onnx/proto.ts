// onnx-proto is a CommonJS protobufjs bundle whose only export is the `onnx` namespace; Node's ESM
// loader cannot see that as a named export, so it is taken from the default import.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';
