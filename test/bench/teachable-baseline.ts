// A baseline trainer that does what Teachable Machine's image library does, measured in the
// same run as the engine: each image is embedded on its own by the truncated MobileNet, then a
// dense(100, relu) + softmax head is fit with Adam (lr 0.001), batch 16, 50 epochs, holding out
// 15 % of the training images (per class) as its validation set.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Embedder } from '../../electron/engine/embedder.js';
import { decodeForModel, scalePixels } from '../../electron/engine/images/decode.js';
import { seededRandom, shuffleInPlace } from '../../electron/engine/images/random.js';

export interface BaselineResult {
  wallS: number;
  embedS: number;
  fitS: number;
  accuracy: number;
}

export async function teachableBaseline(
  embedder: Embedder,
  train: Array<{ path: string; label: number }>,
  evaluate: Array<{ path: string; label: number }>,
  nClasses: number,
): Promise<BaselineResult> {
  const started = Date.now();
  const size = embedder.spec.input.size;
  const spec = { inputSize: size, resizeMode: 'center-crop' as const, scaling: embedder.spec.input.scaling };
  const one = new Float32Array(size * size * 3);
  const embedOne = async (path: string) => {
    scalePixels((await decodeForModel(path, spec)).pixels, spec.scaling, one, 0);
    return embedder.embed(one, 1);
  };
  const embed = async (set: typeof train) => {
    const out: Float32Array[] = [];
    for (const item of set) out.push(await embedOne(item.path));
    return out;
  };
  const trainVectors = await embed(train);
  const embedS = (Date.now() - started) / 1000;

  const byClass = new Map<number, number[]>();
  train.forEach((t, i) => byClass.set(t.label, [...(byClass.get(t.label) ?? []), i]));
  const fitIdx: number[] = [];
  const valIdx: number[] = [];
  const random = seededRandom('teachable-baseline');
  for (const members of byClass.values()) {
    shuffleInPlace(members, random);
    const nVal = Math.ceil(members.length * 0.15);
    valIdx.push(...members.slice(0, nVal));
    fitIdx.push(...members.slice(nVal));
  }
  const dim = embedder.dim;
  const tensors = (idx: number[], vectors: Float32Array[], labels: number[]) => {
    const x = new Float32Array(idx.length * dim);
    idx.forEach((i, row) => x.set(vectors[i]!, row * dim));
    return { x: tf.tensor2d(x, [idx.length, dim]), y: tf.oneHot(tf.tensor1d(idx.map((i) => labels[i]!), 'int32'), nClasses) };
  };
  const labels = train.map((t) => t.label);
  const fit = tensors(fitIdx, trainVectors, labels);
  const val = tensors(valIdx, trainVectors, labels);

  const fitStarted = Date.now();
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [dim], units: 100, activation: 'relu', kernelInitializer: 'varianceScaling', useBias: true }),
      tfl.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: 'varianceScaling', useBias: false }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(fit.x, fit.y, { epochs: 50, batchSize: 16, shuffle: true, validationData: [val.x, val.y], verbose: 0 });
  const fitS = (Date.now() - fitStarted) / 1000;
  const wallS = (Date.now() - started) / 1000;

  // Scored on the same held-out images as the engine, outside the timed part.
  const evalVectors = await embed(evaluate);
  const evalSet = tensors(
    evaluate.map((_, i) => i),
    evalVectors,
    evaluate.map((e) => e.label),
  );
  const predicted = tf.tidy(() => tf.argMax(model.predict(evalSet.x) as tf.Tensor, 1));
  const predictedLabels = await predicted.data();
  const correct = evaluate.filter((e, i) => predictedLabels[i] === e.label).length;
  tf.dispose([fit.x, fit.y, val.x, val.y, evalSet.x, evalSet.y, predicted]);
  model.dispose();
  return { wallS, embedS, fitS, accuracy: correct / evaluate.length };
}
