// One converter per Keras layer class, from the layer's config and weights to ONNX nodes. The
// walk over the model's graph is in layers-model.ts; everything here sees one layer at a time.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ACTIVATIONS, activation, addAll, channelAffine, clip, isActivation, softmax } from './elementwise-ops.js';
import { UnsupportedLayerError } from './errors.js';
import type { OnnxGraph } from './graph.js';
import { channels, type Value } from './layout.js';
import { dense, flatten, reshape } from './shape-ops.js';
import { conv2d, globalAveragePool, pool2d, zeroPad2d, type Padding, type Window } from './spatial-ops.js';

export type Layer = SymbolicTensor['sourceLayer'];

interface Weight {
  data: Float32Array;
  shape: number[];
}

type Config = Record<string, unknown>;

class LayerContext {
  readonly config: Config;
  readonly name: string;
  readonly className: string;
  private weightMap: Map<string, Weight> | null = null;

  constructor(readonly layer: Layer) {
    this.config = layer.getConfig() as Config;
    this.name = layer.name;
    this.className = layer.getClassName();
  }

  fail(detail: string): never {
    throw new UnsupportedLayerError(this.name, this.className, detail);
  }

  /** A weight by its Keras name (kernel, bias, gamma, moving_mean, ...), copied out of tfjs. */
  weight(kind: string): Weight | null {
    if (!this.weightMap) {
      this.weightMap = new Map(
        this.layer.weights.map((v) => {
          const tensor = v.read();
          return [v.originalName.split('/').pop()!, { data: new Float32Array(tensor.dataSync()), shape: [...tensor.shape] }];
        }),
      );
    }
    return this.weightMap.get(kind) ?? null;
  }

  requireWeight(kind: string): Weight {
    return this.weight(kind) ?? this.fail(`its ${kind} weight is missing`);
  }

  pair(key: string, fallback: number): [number, number] {
    const v = this.config[key] ?? fallback;
    if (typeof v === 'number') return [v, v];
    if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0]!, v[1]!];
    return this.fail(`unexpected ${key} ${JSON.stringify(v)}`);
  }

  padding(): Padding {
    const p = this.config.padding ?? 'valid';
    if (p === 'same' || p === 'valid') return p;
    return this.fail(`padding "${String(p)}" is not supported (only same and valid)`);
  }

  channelsLast(): void {
    const format = this.config.dataFormat;
    if (format !== undefined && format !== 'channelsLast') this.fail(`data format ${String(format)} is not supported (only channels-last)`);
  }

  window(kernelKey: string): Window {
    this.channelsLast();
    return { kernel: this.pair(kernelKey, 1), strides: this.pair('strides', 1), dilations: this.pair('dilationRate', 1), padding: this.padding() };
  }

  /** The layer's fused `activation` config, applied after its main op. */
  activate(g: OnnxGraph, x: Value): Value {
    const name = (this.config.activation as string | undefined) ?? 'linear';
    if (!isActivation(name)) this.fail(`activation "${name}" is not supported (supported: ${ACTIVATIONS.join(', ')})`);
    return activation(g, x, name, `${this.name}/${name}`);
  }

  single(inputs: Value[]): Value {
    if (inputs.length !== 1) this.fail(`expected one input, got ${inputs.length}`);
    return inputs[0]!;
  }
}

type Converter = (g: OnnxGraph, c: LayerContext, inputs: Value[]) => Value;

function convolution(depthwise: boolean): Converter {
  return (g, c, inputs) => {
    const kernel = c.requireWeight(depthwise ? 'depthwise_kernel' : 'kernel');
    const window = { ...c.window('kernelSize'), kernel: [kernel.shape[0]!, kernel.shape[1]!] as [number, number] };
    const bias = c.config.useBias === false ? null : (c.weight('bias')?.data ?? null);
    const out = conv2d(g, c.single(inputs), { ...window, weights: kernel.data, weightShape: kernel.shape, bias, depthwise }, c.name);
    return c.activate(g, out);
  };
}

function pooling(kind: 'max' | 'avg'): Converter {
  return (g, c, inputs) => {
    const window = c.window('poolSize');
    // Keras defaults the strides of a pooling layer to its pool size.
    const strides = c.config.strides == null ? window.kernel : c.pair('strides', 1);
    return pool2d(g, c.single(inputs), kind, { ...window, strides, dilations: undefined }, c.name);
  };
}

const identity: Converter = (_g, c, inputs) => c.single(inputs);

const CONVERTERS: Record<string, Converter> = {
  Conv2D: convolution(false),
  DepthwiseConv2D: convolution(true),

  BatchNormalization: (g, c, inputs) => {
    const x = c.single(inputs);
    const axis = (c.config.axis as number | undefined) ?? -1;
    if (axis !== -1 && axis !== x.shape.length - 1) c.fail(`normalising axis ${axis} is not supported (only the channel axis)`);
    const epsilon = (c.config.epsilon as number | undefined) ?? 1e-3;
    const mean = c.requireWeight('moving_mean').data;
    const variance = c.requireWeight('moving_variance').data;
    const gamma = c.weight('gamma')?.data;
    const beta = c.weight('beta')?.data;
    // Inference-mode BN is x * scale + shift, computed here in float64 once; when it follows a
    // conv, fold-affine.ts then merges it into that conv.
    const scale = Float32Array.from(mean, (_, i) => (gamma ? gamma[i]! : 1) / Math.sqrt(variance[i]! + epsilon));
    const shift = Float32Array.from(mean, (m, i) => (beta ? beta[i]! : 0) - m * scale[i]!);
    if (scale.length !== channels(x)) c.fail(`it has ${scale.length} channels, its input ${channels(x)}`);
    return channelAffine(g, x, scale, shift, c.name);
  },

  ReLU: (g, c, inputs) => {
    const x = c.single(inputs);
    const max = c.config.maxValue as number | null | undefined;
    if (max == null) return { ...x, name: g.node('Relu', [x.name], {}, c.name) };
    return clip(g, x, 0, max, c.name);
  },

  Activation: (g, c, inputs) => c.activate(g, c.single(inputs)),

  Softmax: (g, c, inputs) => {
    const axis = c.config.axis;
    const single = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : c.fail('softmax over several axes is not supported')) : axis;
    return softmax(g, c.single(inputs), typeof single === 'number' ? single : -1, c.name);
  },

  Add: (g, c, inputs) => addAll(g, inputs, c.name),

  ZeroPadding2D: (g, c, inputs) => {
    c.channelsLast();
    // Keras accepts n, [h, w] or [[top, bottom], [left, right]].
    const p = c.config.padding;
    const side = (v: unknown): [number, number] | null =>
      typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number') ? [v[0]!, v[1]!] : null;
    const [h, w] = typeof p === 'number' ? [side(p), side(p)] : Array.isArray(p) && p.length === 2 ? [side(p[0]), side(p[1])] : [null, null];
    if (!h || !w) return c.fail(`unexpected padding ${JSON.stringify(p)}`);
    return zeroPad2d(g, c.single(inputs), [h, w], c.name);
  },

  GlobalAveragePooling2D: (g, c, inputs) => {
    c.channelsLast();
    return globalAveragePool(g, c.single(inputs), c.config.keepDims === true, c.name);
  },
  AveragePooling2D: pooling('avg'),
  MaxPooling2D: pooling('max'),

  Dense: (g, c, inputs) => {
    const kernel = c.requireWeight('kernel');
    const bias = c.config.useBias === false ? null : (c.weight('bias')?.data ?? null);
    const out = dense(g, c.single(inputs), kernel.data, [kernel.shape[0]!, kernel.shape[1]!], bias, c.name);
    return c.activate(g, out);
  },

  // Inference: dropout is the identity.
  Dropout: identity,
  SpatialDropout2D: identity,

  Reshape: (g, c, inputs) => reshape(g, c.single(inputs), c.config.targetShape as number[], c.name),
  Flatten: (g, c, inputs) => {
    c.channelsLast();
    return flatten(g, c.single(inputs), c.name);
  },
};

export const SUPPORTED_LAYERS = Object.keys(CONVERTERS);

export function convertLayer(g: OnnxGraph, layer: Layer, inputs: Value[]): Value {
  const context = new LayerContext(layer);
  // Own properties only: a layer class named "constructor" is unsupported, not Object.
  const convert = Object.hasOwn(CONVERTERS, context.className) ? CONVERTERS[context.className] : undefined;
  if (!convert) {
    throw new UnsupportedLayerError(layer.name, context.className, `this layer type is not supported (supported: ${SUPPORTED_LAYERS.join(', ')})`);
  }
  try {
    return convert(g, context, inputs);
  } catch (error) {
    if (error instanceof UnsupportedLayerError) throw error;
    throw new UnsupportedLayerError(layer.name, context.className, error instanceof Error ? error.message : String(error));
  }
}
