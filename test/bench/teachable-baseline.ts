// A baseline trainer that does what Teachable Machine's image library does, measured in the
// same run as the engine: each image is embedded on its own by the truncated MobileNet, then a
// dense(100, relu) + softmax head is fit with Adam (lr 0.001), batch 16, 50 epochs, holding out
// 15 % of the training images (per class) as its validation set. Seedable (initializers, the
// hold-out and every epoch's shuffle), so that bench:accuracy can average it over seeds.
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

export interface VectorSet {
  vectors: Float32Array[];
  labels: number[];
}

/** Fits the TM-style head on `train` and returns its accuracy on `evaluate` and its fit time. */
export async function fitTeachableHead(train: VectorSet, evaluate: VectorSet, nClasses: number, seed = 0): Promise<{ accuracy: number; fitS: number }> {
  const byClass = new Map<number, number[]>();
  train.labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
  const fitIdx: number[] = [];
  const valIdx: number[] = [];
  const random = seededRandom(seed === 0 ? 'teachable-baseline' : `teachable-baseline:${seed}`);
  for (const members of byClass.values()) {
    shuffleInPlace(members, random);
    const nVal = Math.ceil(members.length * 0.15);
    valIdx.push(...members.slice(0, nVal));
    fitIdx.push(...members.slice(nVal));
  }
  const dim = train.vectors[0]!.length;
  const tensors = (idx: number[], set: VectorSet) => {
    const x = new Float32Array(idx.length * dim);
    idx.forEach((i, row) => x.set(set.vectors[i]!, row * dim));
    return { x: tf.tensor2d(x, [idx.length, dim]), y: tf.oneHot(tf.tensor1d(idx.map((i) => set.labels[i]!), 'int32'), nClasses) };
  };
  const val = tensors(valIdx, train);

  const fitStarted = Date.now();
  const init = (offset: number) => tfl.initializers.varianceScaling({ seed: seed * 10 + offset });
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [dim], units: 100, activation: 'relu', kernelInitializer: init(1), useBias: true }),
      tfl.layers.dense({ units: nClasses, activation: 'softmax', kernelInitializer: init(2), useBias: false }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // model.fit's own shuffle draws from Math.random: shuffle each epoch here, seeded, instead.
  for (let epoch = 0; epoch < 50; epoch++) {
    const fit = tensors(shuffleInPlace([...fitIdx], random), train);
    await model.fit(fit.x, fit.y, { epochs: 1, batchSize: 16, shuffle: false, validationData: [val.x, val.y], verbose: 0 });
    tf.dispose([fit.x, fit.y]);
  }
  const fitS = (Date.now() - fitStarted) / 1000;

  const evalSet = tensors(
    evaluate.labels.map((_, i) => i),
    evaluate,
  );
  const predicted = tf.tidy(() => tf.argMax(model.predict(evalSet.x) as tf.Tensor, 1));
  const predictedLabels = await predicted.data();
  const correct = evaluate.labels.filter((label, i) => predictedLabels[i] === label).length;
  tf.dispose([val.x, val.y, evalSet.x, evalSet.y, predicted]);
  model.dispose();
  return { accuracy: correct / evaluate.labels.length, fitS };
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
  const fitStarted = Date.now();
  // Scored on the same held-out images as the engine; their embedding is outside the timed part.
  let evalS = 0;
  const result = await fitTeachableHead({ vectors: trainVectors, labels: train.map((t) => t.label) }, await (async () => {
    const t = Date.now();
    const vectors = await embed(evaluate);
    evalS = (Date.now() - t) / 1000;
    return { vectors, labels: evaluate.map((e) => e.label) };
  })(), nClasses);
  const wallS = (Date.now() - started) / 1000 - evalS;
  return { wallS, embedS, fitS: (Date.now() - fitStarted) / 1000 - evalS, accuracy: result.accuracy };
}
