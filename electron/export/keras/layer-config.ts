// One TF.js layer as a Keras 3 layer: its class, its config in Keras's vocabulary and its weights
// in Keras's variable order (what model.weights.h5 stores per layer). The classes are the ones
// the ONNX converter supports: what the studio's backbones and heads are made of.
import type { Layer } from '../../onnx/layers-walk.js';

type Config = Record<string, unknown>;

export interface Weight {
  name: string;
  data: Float32Array;
  shape: number[];
}

export interface KerasLayer {
  className: string;
  config: Config;
  weights: Weight[];
}

export class UnsupportedKerasLayerError extends Error {
  override name = 'UnsupportedKerasLayerError';
}

/** Keras's own naming: "BatchNormalization" → "batch_normalization", "ReLU" → "re_lu". */
export function snakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

const pair = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : (v as [number, number]));

/** Variables by class, in the order Keras creates them (and model.weights.h5 numbers them). */
const WEIGHT_ORDER: Record<string, string[]> = {
  Conv2D: ['kernel', 'bias'],
  DepthwiseConv2D: ['depthwise_kernel', 'bias'],
  BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  Dense: ['kernel', 'bias'],
};

const CONFIGS: Record<string, (c: Config) => Config> = {
  Conv2D: (c) => ({
    filters: c.filters,
    kernel_size: pair(c.kernelSize),
    strides: pair(c.strides ?? 1),
    padding: c.padding ?? 'valid',
    data_format: 'channels_last',
    dilation_rate: pair(c.dilationRate ?? 1),
    groups: 1,
    activation: c.activation ?? 'linear',
    use_bias: c.useBias !== false,
  }),
  DepthwiseConv2D: (c) => ({
    kernel_size: pair(c.kernelSize),
    strides: pair(c.strides ?? 1),
    padding: c.padding ?? 'valid',
    depth_multiplier: c.depthMultiplier ?? 1,
    data_format: 'channels_last',
    dilation_rate: pair(c.dilationRate ?? 1),
    activation: c.activation ?? 'linear',
    use_bias: c.useBias !== false,
  }),
  BatchNormalization: (c) => ({ axis: c.axis ?? -1, momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3, center: c.center !== false, scale: c.scale !== false }),
  ReLU: (c) => ({ max_value: c.maxValue ?? null, negative_slope: 0, threshold: 0 }),
  Activation: (c) => ({ activation: c.activation }),
  Softmax: (c) => ({ axis: c.axis ?? -1 }),
  Add: () => ({}),
  ZeroPadding2D: (c) => {
    const p = c.padding;
    const side = (v: unknown) => pair(v);
    return { padding: typeof p === 'number' ? [side(p), side(p)] : (p as unknown[]).map(side), data_format: 'channels_last' };
  },
  GlobalAveragePooling2D: (c) => ({ data_format: 'channels_last', keepdims: c.keepDims === true }),
  AveragePooling2D: (c) => ({ pool_size: pair(c.poolSize), strides: c.strides == null ? null : pair(c.strides), padding: c.padding ?? 'valid', data_format: 'channels_last' }),
  MaxPooling2D: (c) => ({ pool_size: pair(c.poolSize), strides: c.strides == null ? null : pair(c.strides), padding: c.padding ?? 'valid', data_format: 'channels_last' }),
  Dense: (c) => ({ units: c.units, activation: c.activation ?? 'linear', use_bias: c.useBias !== false }),
  Dropout: (c) => ({ rate: c.rate, seed: c.seed ?? null }),
  Reshape: (c) => ({ target_shape: c.targetShape }),
  Flatten: () => ({ data_format: 'channels_last' }),
};

export const KERAS_LAYERS = Object.keys(CONFIGS);

export function kerasLayer(layer: Layer): KerasLayer {
  const className = layer.getClassName();
  const make = CONFIGS[className];
  if (!make) throw new UnsupportedKerasLayerError(`Layer "${layer.name}" (${className}) has no Keras export (supported: ${KERAS_LAYERS.join(', ')}).`);
  const config = layer.getConfig() as Config;
  const byName = new Map(
    layer.weights.map((v) => {
      const t = v.read();
      return [v.originalName.split('/').pop()!, { data: new Float32Array(t.dataSync()), shape: [...t.shape] }];
    }),
  );
  const weights: Weight[] = [];
  for (const name of WEIGHT_ORDER[className] ?? []) {
    const w = byName.get(name);
    if (w) weights.push({ name, ...w });
    else if (!((name === 'bias' && config.useBias === false) || (name === 'gamma' && config.scale === false) || (name === 'beta' && config.center === false))) {
      throw new UnsupportedKerasLayerError(`Layer "${layer.name}" (${className}) has no ${name} weight.`);
    }
  }
  if (weights.length !== byName.size) throw new UnsupportedKerasLayerError(`Layer "${layer.name}" (${className}) has weights Keras would not know: ${[...byName.keys()].join(', ')}.`);
  return { className, config: make(config), weights };
}
