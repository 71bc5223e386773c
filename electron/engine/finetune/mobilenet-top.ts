// The top of a Keras MobileNetV2 as plain numbers: which layers sit above a cut point at the
// input of the last inverted-residual block(s) (7x7 spatial), and their weights with batch norm
// folded into the convolutions (kernel x gamma/sqrt(var+eps), bias = beta - mean x that scale).
// Fine-tuning trains these folded weights; foldBack() writes them into the layers model again
// (kernel = tuned, batch norm = identity plus bias), so exports carry them unchanged.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type Layer = tfl.layers.Layer;

/** Inverted-residual blocks above the cut: blocks 14-16 of MobileNetV2 all run at 7x7. */
export const MAX_FINE_TUNE_BLOCKS = 3;
const LAST_BLOCK = 16;

export interface BlockPlan {
  expand: string;
  depthwise: string;
  project: string;
  residual: boolean;
}

export interface TopPlan {
  /** The first tuned layer; its input is the cached activation. */
  cutLayer: string;
  /** [height, width, channels] of the cached activation. */
  cutShape: [number, number, number];
  blocks: BlockPlan[];
  /** The 1x1 conv to 1280 channels after the last block (then ReLU6 and average pooling). */
  top: string;
  /** Every conv layer trained, in forward order. */
  convs: string[];
}

/** One conv with its batch norm folded in: 1x1 kernels as [cin, cout], depthwise as [3, 3, c]. */
export interface FoldedConv {
  kernel: tf.Tensor;
  bias: tf.Tensor1D;
}

export type FoldedTop = Map<string, FoldedConv>;

function children(layer: Layer): Layer[] {
  const inner = (layer as unknown as { layers?: Layer[] }).layers;
  return Array.isArray(inner) ? inner : [];
}

/** A layer by name, searched in nested models too (the TM backbone nests the MobileNetV2). */
export function findLayer(model: tfl.LayersModel, name: string): Layer | null {
  const walk = (layers: Layer[]): Layer | null => {
    for (const l of layers) {
      if (l.name === name) return l;
      const found = walk(children(l));
      if (found) return found;
    }
    return null;
  };
  return walk(model.layers);
}

/** The model that owns a layer (the nested MobileNetV2), whose inputs feed the cut model. */
export function ownerOf(model: tfl.LayersModel, name: string): tfl.LayersModel | null {
  if (model.layers.some((l) => l.name === name)) return model;
  for (const l of model.layers) {
    if (children(l).length) {
      const owner = ownerOf(l as unknown as tfl.LayersModel, name);
      if (owner) return owner;
    }
  }
  return null;
}

function config(layer: Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

function expectLayer(model: tfl.LayersModel, name: string, className: string, check: (c: Record<string, unknown>) => boolean = () => true): Layer {
  const layer = findLayer(model, name);
  if (!layer) throw new Error(`the backbone has no layer ${name} (fine-tuning knows the Keras MobileNetV2 layout)`);
  if (layer.getClassName() !== className || !check(config(layer))) throw new Error(`layer ${name} is not the ${className} fine-tuning expects`);
  return layer;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The layers above the cut for `blocks` (1-3) top blocks, checked against what the forward pass
 * in top-forward.ts computes. Throws with the reason where the backbone is laid out otherwise.
 */
export function planTop(model: tfl.LayersModel, blocks: number): TopPlan {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_FINE_TUNE_BLOCKS) {
    throw new Error(`fine-tuning trains 1 to ${MAX_FINE_TUNE_BLOCKS} top blocks (the ones at 7x7), not ${blocks}`);
  }
  const plan: BlockPlan[] = [];
  for (let b = LAST_BLOCK - blocks + 1; b <= LAST_BLOCK; b++) {
    const p = `block_${b}`;
    const oneByOne = (c: Record<string, unknown>) => same(c.kernelSize, [1, 1]) && same(c.strides, [1, 1]) && c.useBias === false;
    expectLayer(model, `${p}_expand`, 'Conv2D', oneByOne);
    expectLayer(model, `${p}_depthwise`, 'DepthwiseConv2D', (c) => same(c.kernelSize, [3, 3]) && same(c.strides, [1, 1]) && c.padding === 'same' && c.useBias === false && (c.depthMultiplier ?? 1) === 1);
    expectLayer(model, `${p}_project`, 'Conv2D', oneByOne);
    for (const bn of ['expand_BN', 'depthwise_BN', 'project_BN']) expectLayer(model, `${p}_${bn}`, 'BatchNormalization', (c) => c.center !== false && c.scale !== false);
    for (const relu of ['expand_relu', 'depthwise_relu']) expectLayer(model, `${p}_${relu}`, 'ReLU', (c) => c.maxValue === 6);
    plan.push({ expand: `${p}_expand`, depthwise: `${p}_depthwise`, project: `${p}_project`, residual: findLayer(model, `${p}_add`) !== null });
  }
  expectLayer(model, 'Conv_1', 'Conv2D', (c) => same(c.kernelSize, [1, 1]) && c.useBias === false);
  expectLayer(model, 'Conv_1_bn', 'BatchNormalization', (c) => c.center !== false && c.scale !== false);
  expectLayer(model, 'out_relu', 'ReLU', (c) => c.maxValue === 6);
  const cutLayer = plan[0]!.expand;
  const shape = findLayer(model, cutLayer)!.inputSpec?.[0]?.shape ?? (findLayer(model, cutLayer)!.input as tfl.SymbolicTensor).shape;
  const [, h, w, c] = shape as number[];
  if (!h || !w || !c) throw new Error(`the input of ${cutLayer} has no fixed shape`);
  const convs = plan.flatMap((p) => [p.expand, p.depthwise, p.project]).concat('Conv_1');
  return { cutLayer, cutShape: [h, w, c], blocks: plan, top: 'Conv_1', convs };
}

/** The batch-norm layer that follows a conv in MobileNetV2's naming. */
export function bnOf(conv: string): string {
  return conv === 'Conv_1' ? 'Conv_1_bn' : `${conv}_BN`;
}

function epsilonOf(bn: Layer): number {
  return Number(config(bn).epsilon ?? 1e-3);
}

/** Folds every tuned conv's batch norm into it (inference statistics, as fine-tuning keeps them). */
export function foldTop(model: tfl.LayersModel, plan: TopPlan): FoldedTop {
  const out: FoldedTop = new Map();
  for (const name of plan.convs) {
    const conv = findLayer(model, name)!;
    const bn = findLayer(model, bnOf(name))!;
    const [gamma, beta, mean, variance] = bn.getWeights() as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const folded = tf.tidy(() => {
      const scale = tf.div(gamma, tf.sqrt(tf.add(variance, epsilonOf(bn))));
      const bias = tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D;
      const k = conv.getWeights()[0]!;
      // 1x1 conv kernels [1,1,cin,cout] become [cin,cout]; depthwise [3,3,c,1] becomes [3,3,c].
      const kernel = conv.getClassName() === 'DepthwiseConv2D' ? tf.mul(tf.squeeze(k, [3]), scale) : tf.mul(tf.reshape(k, [k.shape[2]!, k.shape[3]!]), scale);
      return { kernel, bias };
    });
    out.set(name, folded);
  }
  return out;
}

/**
 * Writes folded weights into the layers model: each conv gets the folded kernel and its batch
 * norm becomes identity plus bias (gamma 1, beta = bias, mean 0, variance 1 - eps), so the model
 * computes what the fine-tuned blocks computed and every exporter reads ordinary layers.
 */
export function foldBack(model: tfl.LayersModel, weights: FoldedTop): void {
  for (const [name, w] of weights) {
    const conv = findLayer(model, name);
    const bn = findLayer(model, bnOf(name));
    if (!conv || !bn) throw new Error(`the backbone has no layer ${name} to take fine-tuned weights`);
    const eps = epsilonOf(bn);
    tf.tidy(() => {
      const current = conv.getWeights()[0]!;
      conv.setWeights([tf.reshape(w.kernel, current.shape)]);
      const c = w.bias.shape[0];
      bn.setWeights([tf.ones([c]), w.bias, tf.zeros([c]), tf.fill([c], 1 - eps)]);
    });
  }
}

export function disposeTop(weights: FoldedTop): void {
  for (const w of weights.values()) {
    w.kernel.dispose();
    w.bias.dispose();
  }
}
