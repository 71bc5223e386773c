// Walks a TF.js LayersModel's graph (functional, Sequential, or models nested inside models, as
// in Teachable Machine's Sequential-in-Sequential) and hands each layer to `emit` once, in
// dependency order, with the values of its inputs. The ONNX converter and the Keras writer both
// build on it; what a value is (an ONNX tensor, a Keras tensor reference) is theirs to say.
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

export type Layer = SymbolicTensor['sourceLayer'];

export function isContainer(layer: Layer): layer is Layer & LayersModel {
  const candidate = layer as Partial<LayersModel>;
  return Array.isArray(candidate.layers) && Array.isArray(candidate.inputs) && Array.isArray(candidate.outputs);
}

/** `model` applied to `inputs` (one per model input): its outputs. Nested models are walked into. */
export function walkLayersModel<V>(model: LayersModel, inputs: V[], emit: (layer: Layer, args: V[]) => V, fail: (message: string) => Error): V[] {
  if (inputs.length !== model.inputs.length) throw fail(`Model ${model.name} has ${model.inputs.length} inputs; ${inputs.length} were given.`);
  // Symbolic tensors are per container: a nested model's inner tensors are distinct objects, so
  // each container gets its own table, seeded with its inputs.
  const computed = new Map<number, V>();
  model.inputs.forEach((t, i) => computed.set(t.id, inputs[i]!));

  // Iterative post-order (an explicit stack rather than recursion: deep backbones such as
  // EfficientNet have hundreds of layers in one chain).
  const resolve = (target: SymbolicTensor): V => {
    const stack: SymbolicTensor[] = [target];
    while (stack.length > 0) {
      const tensor = stack[stack.length - 1]!;
      if (computed.has(tensor.id)) {
        stack.pop();
        continue;
      }
      const layer = tensor.sourceLayer;
      const node = layer.inboundNodes[tensor.nodeIndex];
      if (!node) throw fail(`Layer ${layer.name} has no call #${tensor.nodeIndex}; the model graph is inconsistent.`);
      if (layer.getClassName() === 'InputLayer' || node.inputTensors.length === 0) throw fail(`Model ${model.name} reads ${tensor.name}, which is not one of its inputs.`);
      const missing = node.inputTensors.filter((t) => !computed.has(t.id));
      if (missing.length > 0) {
        stack.push(...missing);
        continue;
      }
      const args = node.inputTensors.map((t) => computed.get(t.id)!);
      const outputs = isContainer(layer) ? walkLayersModel(layer, args, emit, fail) : [emit(layer, args)];
      if (outputs.length !== node.outputTensors.length) throw fail(`Layer ${layer.name} produced ${outputs.length} outputs where the model expects ${node.outputTensors.length}.`);
      node.outputTensors.forEach((t, i) => computed.set(t.id, outputs[i]!));
      stack.pop();
    }
    return computed.get(target.id)!;
  };
  return model.outputs.map(resolve);
}
