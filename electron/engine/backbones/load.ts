// Loads an installed backbone as a TF.js model cut at its embedding: a LayersModel (which the
// export can extend with the trained head) or a GraphModel executed up to a named node.
import * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-converter';
import * as tfl from '@tensorflow/tfjs-layers';
import { currentBackend } from '../backend.js';
import type { EmbedEngine, Embedder } from '../embedder.js';
import { fromDisk } from '../model-files.js';
import type { BackboneSpec } from './catalogue.js';

type Layer = tfl.layers.Layer;

function nestedLayers(layer: Layer): Layer[] {
  return 'layers' in layer && Array.isArray((layer as unknown as tfl.LayersModel).layers) ? (layer as unknown as tfl.LayersModel).layers : [];
}

function contains(layer: Layer, name: string): boolean {
  return layer.name === name || nestedLayers(layer).some((inner) => contains(inner, name));
}

/** True when `layer` is the named layer, or a nested model whose output that layer produces. */
function producesAsOutput(layer: Layer, name: string): boolean {
  if (layer.name === name) return true;
  const last = (layer as unknown as Partial<tfl.LayersModel>).outputs?.[0]?.sourceLayer;
  return last !== undefined && last !== layer && producesAsOutput(last, name);
}

/** The output of the named layer, also when it is the output of a nested model. */
function symbolicOutput(model: tfl.LayersModel, name: string): tfl.SymbolicTensor | null {
  for (const layer of model.layers) {
    if (producesAsOutput(layer, name)) return layer.output as tfl.SymbolicTensor;
    if (contains(layer, name)) {
      throw new Error(`Layer ${name} sits inside ${layer.name} but is not its output, so the model cannot be cut there.`);
    }
  }
  return null;
}

/** The backbone as a LayersModel whose output is [n, dim]. */
export function cutLayersModel(model: tfl.LayersModel, spec: BackboneSpec): tfl.LayersModel {
  let out = (spec.embedding.layer ? symbolicOutput(model, spec.embedding.layer) : null) ?? (model.outputs[0] as tfl.SymbolicTensor);
  if (out.shape.length === 4) {
    if (spec.embedding.pooling !== 'avg' && (out.shape[1] !== 1 || out.shape[2] !== 1)) {
      throw new Error(`${spec.name}: the embedding is spatial (${out.shape.join('x')}) but no pooling is set.`);
    }
    out = tfl.layers.globalAveragePooling2d({ name: 'embedding_pool' }).apply(out) as tfl.SymbolicTensor;
  } else if (out.shape.length === 3) {
    out = tfl.layers.flatten({ name: 'embedding_flatten' }).apply(out) as tfl.SymbolicTensor;
  }
  if (out === model.outputs[0]) return model;
  return tfl.model({ inputs: model.inputs, outputs: out, name: `${model.name}_embedding` });
}

function engineName(): EmbedEngine {
  const backend = currentBackend()?.name ?? 'cpu';
  return `tfjs-${backend}` as EmbedEngine;
}

function checkDim(spec: BackboneSpec, dim: number): void {
  if (spec.embedding.size !== 0 && spec.embedding.size !== dim) {
    throw new Error(`${spec.name} gives ${dim} values per image, the catalogue says ${spec.embedding.size}.`);
  }
}

export interface LoadedBackbone extends Embedder {
  /** For layers backbones: the cut model (the export extends it with the head). */
  readonly layersModel: tfl.LayersModel | null;
}

export async function loadBackbone(dir: string, spec: BackboneSpec): Promise<LoadedBackbone> {
  const size = spec.input.size;
  if (spec.format === 'layers') {
    const full = await tfl.loadLayersModel(fromDisk(dir));
    const model = cutLayersModel(full, spec);
    const dim = model.outputs[0]!.shape[1] as number;
    checkDim(spec, dim);
    return {
      spec,
      dim,
      engine: engineName(),
      layersModel: model,
      async embed(batch, n) {
        const out = tf.tidy(() => model.predict(tf.tensor4d(batch, [n, size, size, 3])) as tf.Tensor);
        const data = (await out.data()) as Float32Array;
        out.dispose();
        return data;
      },
      dispose: () => full.dispose(),
    };
  }
  const graph = await tfc.loadGraphModel(fromDisk(dir));
  const run = (batch: Float32Array, n: number) =>
    tf.tidy(() => {
      const x = tf.tensor4d(batch, [n, size, size, 3]);
      let y = (spec.embedding.node ? graph.execute(x, spec.embedding.node) : graph.predict(x)) as tf.Tensor;
      if (y.rank === 4 && (y.shape[1]! > 1 || y.shape[2]! > 1)) y = tf.mean(y, [1, 2]);
      return tf.reshape(y, [n, -1]);
    });
  const probe = run(new Float32Array(size * size * 3), 1);
  const dim = probe.shape[1] as number;
  probe.dispose();
  checkDim(spec, dim);
  return {
    spec,
    dim,
    engine: engineName(),
    layersModel: null,
    async embed(batch, n) {
      const out = run(batch, n);
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    dispose: () => graph.dispose(),
  };
}
