// The studio's classifier as one flat Keras functional model: an "image" input of raw pixels,
// the "input_scaling" Rescaling the run's spec defines, every backbone layer under its own name
// (nested TF.js models inlined; frozen: trainable false, as in the studio), then the head's
// layers. The walk follows each model's graph as electron/export/onnx/layers-model.ts does.
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Preprocessing } from '../../ipc/schemas.js';
import { SCALING } from '../onnx/input-scaling.js';
import { kerasLayer, UnsupportedKerasLayerError, type Layer, type Weight } from './layer-config.js';

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

function isContainer(layer: Layer): layer is Layer & LayersModel {
  const c = layer as Partial<LayersModel>;
  return Array.isArray(c.layers) && Array.isArray(c.inputs) && Array.isArray(c.outputs);
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
    const computed = new Map<number, TensorRef>();
    model.inputs.forEach((t, i) => computed.set(t.id, inputs[i]!));
    const resolve = (target: SymbolicTensor): TensorRef => {
      const stack: SymbolicTensor[] = [target];
      while (stack.length > 0) {
        const tensor = stack[stack.length - 1]!;
        if (computed.has(tensor.id)) {
          stack.pop();
          continue;
        }
        const layer = tensor.sourceLayer;
        const node = layer.inboundNodes[tensor.nodeIndex];
        if (!node || node.inputTensors.length === 0) throw new UnsupportedKerasLayerError(`Model ${model.name} reads ${tensor.name}, which is not one of its inputs.`);
        const missing = node.inputTensors.filter((t) => !computed.has(t.id));
        if (missing.length > 0) {
          stack.push(...missing);
          continue;
        }
        const args = node.inputTensors.map((t) => computed.get(t.id)!);
        let outputs: TensorRef[];
        if (isContainer(layer)) outputs = this.emit(layer, args, trainable);
        else {
          const k = kerasLayer(layer);
          outputs = [this.add({ name: layer.name, className: k.className, config: k.config, trainable, inputs: args, weights: k.weights }, [...tensor.shape])];
        }
        node.outputTensors.forEach((t, i) => computed.set(t.id, outputs[i]!));
        stack.pop();
      }
      return computed.get(target.id)!;
    };
    return model.outputs.map(resolve);
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
