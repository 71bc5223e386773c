// The studio's classifier as one flat Keras functional model: an "image" input of raw pixels,
// the "input_scaling" Rescaling the run's spec defines, every backbone layer under its own name
// (nested TF.js models inlined; frozen: trainable false, as in the studio), then the head's
// layers. The walk over each model's graph is ../layers-walk.ts, shared with the ONNX converter.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Preprocessing } from '../../domain/schemas.js';
import { SCALING } from '../../onnx/input-scaling.js';
import { walkLayersModel } from '../../onnx/layers-walk.js';
import { kerasLayer, UnsupportedKerasLayerError, type Weight } from './layer-config.js';

export interface TensorRef {
  layer: string;
  shape: Array<number | null>;
}

export interface FunctionalLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  trainable: boolean;
  inputs: TensorRef[];
  output: TensorRef;
  weights: Weight[];
}

export interface FunctionalModel {
  name: string;
  layers: FunctionalLayer[];
  input: TensorRef;
  output: TensorRef;
}

class Builder {
  readonly layers: FunctionalLayer[] = [];
  private readonly names = new Set<string>();

  add(layer: Omit<FunctionalLayer, 'output'>, shape: Array<number | null>): TensorRef {
    if (this.names.has(layer.name)) throw new UnsupportedKerasLayerError(`Two layers are named "${layer.name}"; Keras needs unique layer names.`);
    this.names.add(layer.name);
    const output = { layer: layer.name, shape };
    this.layers.push({ ...layer, output });
    return output;
  }

  /** Emits `model` applied to `inputs` and returns its outputs. */
  emit(model: LayersModel, inputs: TensorRef[], trainable: boolean): TensorRef[] {
    return walkLayersModel(
      model,
      inputs,
      (layer, args) => {
        const k = kerasLayer(layer);
        return this.add({ name: layer.name, className: k.className, config: k.config, trainable, inputs: args, weights: k.weights }, [...(layer.outputShape as Array<number | null>)]);
      },
      (message) => new UnsupportedKerasLayerError(message),
    );
  }
}

export function functionalModel(backbone: LayersModel, head: LayersModel, spec: Preprocessing, name = 'transfer_studio_classifier'): FunctionalModel {
  const b = new Builder();
  const n = spec.inputSize;
  const input = b.add({ name: 'image', className: 'InputLayer', config: {}, trainable: true, inputs: [], weights: [] }, [null, n, n, 3]);
  const { divisor, offset } = SCALING[spec.scaling];
  const scaled = b.add({ name: 'input_scaling', className: 'Rescaling', config: { scale: 1 / divisor, offset: -offset }, trainable: false, inputs: [input], weights: [] }, [null, n, n, 3]);
  const embedding = b.emit(backbone, [scaled], false);
  if (embedding.length !== 1) throw new UnsupportedKerasLayerError(`The backbone has ${embedding.length} outputs; one embedding is expected.`);
  const outputs = b.emit(head, embedding, true);
  if (outputs.length !== 1) throw new UnsupportedKerasLayerError(`The head has ${outputs.length} outputs; one is expected.`);
  return { name, layers: b.layers, input, output: outputs[0]! };
}
