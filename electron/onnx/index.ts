// The project's own ONNX writer: TF.js LayersModels (a whole model, or a frozen backbone plus a
// trained head in one graph) and TF.js GraphModels, to an .onnx file that onnxruntime runs.
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { assembleModel, type OnnxExportOptions, type OnnxModel } from './assemble.js';
import { OnnxConversionError } from './errors.js';
import { emitGraphModel, graphInputShape, graphModelSource, graphSinks } from './graph-model.js';
import { emitLayersModel } from './layers-model.js';
import { attr } from './graph.js';
import { asTf, formatShape, type Value } from './layout.js';

export type { OnnxExportOptions, OnnxModel } from './assemble.js';
export { OnnxConversionError, UnsupportedLayerError, UnsupportedOpError } from './errors.js';
export { readOnnxMetadata, type OnnxModelMetadata, type OutputKind, type InputScaling, type ReadMetadata } from './metadata.js';
export { SCALING } from './input-scaling.js';
export { SUPPORTED_LAYERS } from './layer-converters.js';

function singleOutput<T>(values: T[], what: string): T {
  if (values.length !== 1) throw new OnnxConversionError(`${what} has ${values.length} outputs; only single-output models convert.`);
  return values[0]!;
}

/** A whole TF.js LayersModel (functional, Sequential, nested) as one ONNX model. */
export function layersModelToOnnx(model: LayersModel, options: OnnxExportOptions): OnnxModel {
  const input = singleOutput(model.inputs, `Model ${model.name}`);
  return assembleModel(`${model.name} (TF.js LayersModel)`, input.shape, options, (g, image) =>
    singleOutput(emitLayersModel(g, model, [image]), `Model ${model.name}`),
  );
}

/**
 * The studio's trained classifier: the frozen backbone and the head trained on its embeddings,
 * as one graph from pixels to probabilities.
 */
export function backboneWithHeadToOnnx(backbone: LayersModel, head: LayersModel, options: OnnxExportOptions): OnnxModel {
  const input = singleOutput(backbone.inputs, `Backbone ${backbone.name}`);
  const features = singleOutput(backbone.outputs, `Backbone ${backbone.name}`).shape;
  const headInput = singleOutput(head.inputs, `Head ${head.name}`).shape;
  if (features.length !== headInput.length || features.some((d, i) => i > 0 && headInput[i] != null && d !== headInput[i])) {
    throw new OnnxConversionError(`The head takes ${formatShape(headInput)} but the backbone gives ${formatShape(features)}.`);
  }
  return assembleModel(`${backbone.name} + ${head.name} (TF.js LayersModels)`, input.shape, { outputKind: 'probabilities', ...options }, (g, image) => {
    const embedding = singleOutput(emitLayersModel(g, backbone, [image]), `Backbone ${backbone.name}`);
    return singleOutput(emitLayersModel(g, head, [embedding]), `Head ${head.name}`);
  });
}

export interface GraphModelExportOptions extends OnnxExportOptions {
  /** The node whose value becomes the output (e.g. an embedding node); default: the graph's only sink. */
  outputNode?: string;
}

/** A TF.js GraphModel from its artifacts (`loadArtifacts(dir)`), up to `outputNode`. */
export function graphModelToOnnx(artifacts: tf.io.ModelArtifacts, options: GraphModelExportOptions): OnnxModel {
  const source = graphModelSource(artifacts);
  const sinks = graphSinks(source.nodes);
  const output = options.outputNode ?? (sinks.length === 1 ? sinks[0]! : null);
  if (!output) throw new OnnxConversionError(`The graph has ${sinks.length} outputs (${sinks.join(', ')}); name one as outputNode.`);
  return assembleModel(`${output} (TF.js GraphModel)`, graphInputShape(source.nodes), options, (g, image) => emitGraphModel(g, source, image, output));
}

/**
 * A frozen graph backbone (TF-Hub) cut at `embeddingNode` and the head trained on its
 * embeddings, as one graph from pixels to probabilities. A pooled [N, 1, 1, C] node is
 * flattened to the [N, C] the head was trained on.
 */
export function graphBackboneWithHeadToOnnx(artifacts: tf.io.ModelArtifacts, embeddingNode: string | undefined, head: LayersModel, options: OnnxExportOptions): OnnxModel {
  const source = graphModelSource(artifacts);
  const sinks = graphSinks(source.nodes);
  const output = embeddingNode ?? (sinks.length === 1 ? sinks[0]! : null);
  if (!output) throw new OnnxConversionError(`The graph has ${sinks.length} outputs (${sinks.join(', ')}); name the embedding node.`);
  const headInput = singleOutput(head.inputs, `Head ${head.name}`).shape;
  return assembleModel(`${output} + ${head.name} (TF.js GraphModel + LayersModel)`, graphInputShape(source.nodes), { outputKind: 'probabilities', ...options }, (g, image) => {
    let embedding: Value = asTf(g, emitGraphModel(g, source, image, output), output);
    const spatial = embedding.shape.slice(1, -1);
    if (spatial.some((d) => d !== 1)) throw new OnnxConversionError(`The embedding node ${output} is spatial (${formatShape(embedding.shape)}); the head needs one vector per image.`);
    if (embedding.shape.length > 2) {
      const features = embedding.shape[embedding.shape.length - 1] ?? null;
      embedding = { name: g.node('Flatten', [embedding.name], { axis: attr.int(1) }, 'embedding/flatten'), layout: 'tf', shape: [null, features] };
    }
    if (headInput[1] != null && embedding.shape[1] !== headInput[1]) {
      throw new OnnxConversionError(`The head takes ${formatShape(headInput)} but the backbone gives ${formatShape(embedding.shape)}.`);
    }
    return singleOutput(emitLayersModel(g, head, [embedding]), `Head ${head.name}`);
  });
}
