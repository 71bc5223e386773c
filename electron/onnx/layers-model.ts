// Emits a TF.js LayersModel (functional, Sequential, nested) into an ONNX graph, each layer once
// in dependency order (the walk is ../layers-walk.ts).
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { walkLayersModel } from './layers-walk.js';
import { OnnxConversionError } from './errors.js';
import { convertLayer } from './layer-converters.js';
import type { OnnxGraph } from './graph.js';
import type { Value } from './layout.js';

/** Emits `model` applied to `inputs` (one per model input) and returns its outputs. */
export function emitLayersModel(g: OnnxGraph, model: LayersModel, inputs: Value[]): Value[] {
  return walkLayersModel(model, inputs, (layer, args) => convertLayer(g, layer, args), (message) => new OnnxConversionError(message));
}
