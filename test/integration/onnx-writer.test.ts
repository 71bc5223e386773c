// The ONNX writer beyond the fixture models: the studio's backbone + head in one graph, every
// supported layer type on seeded random weights, BatchNorm folding only where it is valid, clear
// errors for what it cannot convert, metadata that survives the round trip, and the runner.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { fromDisk, loadArtifacts } from '../../electron/engine/model-files.js';
import { OnnxRunner } from '../../electron/engine/onnx-runner.js';
import { decodeModel } from '../../electron/onnx/encode.js';
import {
  backboneWithHeadToOnnx,
  graphModelToOnnx,
  layersModelToOnnx,
  readOnnxMetadata,
  UnsupportedLayerError,
  UnsupportedOpError,
} from '../../electron/onnx/index.js';
import { checkOnnxParity, tfjsReference } from '../../electron/export/onnx/parity.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { decodePhotos, hymenopteraFiles } from '../helpers/photos.js';

const skip = fixturesUnavailable();
const SPEC: Preprocessing = { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1' };
const SMALL: Preprocessing = { inputSize: 32, resizeMode: 'squash', scaling: 'minus1to1' };
const runners: OnnxRunner[] = [];
const open = async (bytes: Uint8Array) => {
  const runner = await OnnxRunner.create(bytes, { threads: 2 });
  runners.push(runner);
  return runner;
};

beforeAll(async () => {
  if (!skip) await initBackend('wasm');
});
afterAll(async () => {
  for (const r of runners) await r.dispose();
});

const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });

function studioHead(inputDim: number, classes: number): tfl.Sequential {
  return tfl.sequential({
    name: 'head',
    layers: [
      tfl.layers.dense({ inputShape: [inputDim], units: 32, activation: 'relu', kernelInitializer: seeded(1), biasInitializer: tfl.initializers.randomNormal({ seed: 2, stddev: 0.1 }) }),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: seeded(3), biasInitializer: tfl.initializers.randomNormal({ seed: 4, stddev: 0.1 }) }),
    ],
  });
}

/** Random but deterministic inference statistics, so BatchNormalization is not the identity. */
function randomizeBatchNorms(model: tfl.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const n = layer.getWeights()[0]!.shape[0]!;
    layer.setWeights([
      tf.randomUniform([n], 0.5, 1.5, 'float32', seed++),
      tf.randomNormal([n], 0, 0.3, 'float32', seed++),
      tf.randomNormal([n], 0, 0.3, 'float32', seed++),
      tf.randomUniform([n], 0.5, 2, 'float32', seed++),
    ]);
  }
}

describe.skipIf(skip)('ONNX writer', () => {
  it('combines the frozen backbone and a trained head into one classifier that matches tfjs', async () => {
    const backbone = await tfl.loadLayersModel(fromDisk(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone')));
    const head = studioHead(1280, 3);
    const labels = ['ants', 'bees', 'wasps'];
    const onnx = backboneWithHeadToOnnx(backbone, head, { preprocessing: SPEC, labels });
    expect(onnx.outputName).toBe('probabilities');

    const pixels = await decodePhotos(hymenopteraFiles(4));
    const reference = tfjsReference((x) => head.predict(backbone.predict(x) as tf.Tensor) as tf.Tensor, 224);
    const result = await checkOnnxParity({ reference, runner: await open(onnx.bytes), metadata: onnx.metadata, pixels, count: 8 });
    console.log(`[onnx parity] backbone + head: max|Δp| ${result.maxAbs.toExponential(2)}, top-1 ${result.top1Agreement}`);
    expect(result.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(result.top1Agreement).toBe(1);
    // The head is not degenerate: its predictions differ between photos.
    expect(new Set(Array.from({ length: 8 }, (_, i) => result.referenceOutput[i * 3]!.toFixed(3))).size).toBeGreaterThan(1);

    // Metadata round trip: from the bytes, and what onnxruntime reports of the graph's interface.
    const meta = readOnnxMetadata(onnx.bytes);
    expect(meta).toMatchObject({ labels, preprocessing: SPEC, inputScaling: 'in-model', outputKind: 'probabilities', producerName: 'Transfer Studio', opset: 13 });
    expect(meta.inputLayout).toBe('NHWC float32 RGB');
    const runner = await open(onnx.bytes);
    expect([runner.inputName, runner.outputName, runner.exampleShape]).toEqual(['image', 'probabilities', [224, 224, 3]]);

    expect(() => backboneWithHeadToOnnx(backbone, studioHead(1024, 2), { preprocessing: SPEC })).toThrow('The head takes [N, 1024] but the backbone gives [N, 1280].');
    backbone.dispose();
  });

  it('converts every supported layer type; BatchNorm folds into a conv only when nothing else reads it', async () => {
    const input = tfl.input({ shape: [32, 32, 3] });
    const conv = tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(10), biasInitializer: seeded(11) }).apply(input) as tfl.SymbolicTensor;
    const folded = tfl.layers.batchNormalization({ name: 'bn_folded' }).apply(conv) as tfl.SymbolicTensor;
    const relu = tfl.layers.activation({ activation: 'relu' }).apply(folded) as tfl.SymbolicTensor;
    const dw = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid', depthwiseInitializer: seeded(12) }).apply(relu) as tfl.SymbolicTensor;
    const dwBn = tfl.layers.batchNormalization({ name: 'bn_after_depthwise' }).apply(dw) as tfl.SymbolicTensor;
    const padded = tfl.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(dwBn) as tfl.SymbolicTensor;
    const c2 = tfl.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false, kernelInitializer: seeded(13), name: 'conv_shared' }).apply(padded) as tfl.SymbolicTensor;
    // conv_shared's output feeds both its BatchNorm and the residual add: it must not be folded.
    const c2Bn = tfl.layers.batchNormalization({ name: 'bn_not_folded' }).apply(c2) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([c2, c2Bn]) as tfl.SymbolicTensor;
    const relu6 = tfl.layers.reLU({ maxValue: 6 }).apply(sum) as tfl.SymbolicTensor;
    const maxPool = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(relu6) as tfl.SymbolicTensor;
    const avgPool = tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(maxPool) as tfl.SymbolicTensor;
    const sig = tfl.layers.activation({ activation: 'sigmoid' }).apply(avgPool) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(sig) as tfl.SymbolicTensor;
    const d1 = tfl.layers.dense({ units: 12, activation: 'relu6', kernelInitializer: seeded(14) }).apply(flat) as tfl.SymbolicTensor;
    const flatBn = tfl.layers.batchNormalization({ name: 'bn_flat' }).apply(d1) as tfl.SymbolicTensor;
    const drop = tfl.layers.dropout({ rate: 0.3 }).apply(flatBn) as tfl.SymbolicTensor;
    const reshaped = tfl.layers.reshape({ targetShape: [3, 4] }).apply(drop) as tfl.SymbolicTensor;
    const d2 = tfl.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: seeded(15) }).apply(reshaped) as tfl.SymbolicTensor;
    const flat2 = tfl.layers.flatten().apply(d2) as tfl.SymbolicTensor;
    const logits = tfl.layers.dense({ units: 4, kernelInitializer: seeded(16) }).apply(flat2) as tfl.SymbolicTensor;
    const probs = tfl.layers.softmax().apply(logits) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: probs });
    randomizeBatchNorms(model, 100);

    const onnx = layersModelToOnnx(model, { preprocessing: SMALL });
    const ops = (decodeModel(onnx.bytes).graph?.node ?? []).map((n) => n.opType);
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(3);
    // Unfolded: bn_not_folded (after a shared conv) and bn_flat (after a dense layer).
    expect(ops.filter((o) => o === 'Mul')).toHaveLength(2);

    const files = hymenopteraFiles(4);
    const pixels = await decodePhotos(files, 32);
    const reference = tfjsReference((x) => model.predict(x) as tf.Tensor, 32);
    const result = await checkOnnxParity({ reference, runner: await open(onnx.bytes), metadata: onnx.metadata, pixels, count: files.length });
    expect(result.maxAbs).toBeLessThanOrEqual(1e-5);
    expect(result.top1Agreement).toBe(1);
    // A model that ignored its input (or a broken conversion giving constants) would pass vacuously.
    expect(result.scale).toBeLessThan(0.999);
    model.dispose();
  });

  it('names the layer and its class when a layer cannot be converted', () => {
    const upsampling = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [32, 32, 3], filters: 2, kernelSize: 1 }), tfl.layers.upSampling2d({ name: 'grow' })] });
    expect(() => layersModelToOnnx(upsampling, { preprocessing: SMALL })).toThrow(UnsupportedLayerError);
    expect(() => layersModelToOnnx(upsampling, { preprocessing: SMALL })).toThrow(/layer "grow" \(UpSampling2D\).*not supported/);

    const elu = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 3] }), tfl.layers.dense({ units: 2, activation: 'elu', name: 'odd_dense' })] });
    expect(() => layersModelToOnnx(elu, { preprocessing: SMALL })).toThrow(/layer "odd_dense" \(Dense\).*activation "elu"/);

    const wrongSize = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [64, 64, 3] })] });
    expect(() => layersModelToOnnx(wrongSize, { preprocessing: SMALL })).toThrow(/64x64 images, the preprocessing spec says 32x32/);

    const classifier = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [32, 32, 3] }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
    expect(() => layersModelToOnnx(classifier, { preprocessing: SMALL, labels: ['ants', 'bees'] })).toThrow(/2 labels for 3 outputs/);
  });

  it('names the node and op when a graph model cannot be converted', () => {
    const artifacts = loadArtifacts(fixture('models', 'tfhub-mobilenet_v1_025_224-graph'));
    const topology = structuredClone(artifacts.modelTopology) as { node: Array<{ name: string; op: string }> };
    const victim = topology.node.find((n) => n.op === 'Relu6')!;
    victim.op = 'Selu';
    const broken = { ...artifacts, modelTopology: topology };
    expect(() => graphModelToOnnx(broken, { preprocessing: { ...SPEC, scaling: 'zero1' } })).toThrow(UnsupportedOpError);
    expect(() => graphModelToOnnx(broken, { preprocessing: { ...SPEC, scaling: 'zero1' } })).toThrow(`graph node "${victim.name}" (op Selu)`);
  });

  it('runs batches, checks its input and refuses work after dispose', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.globalAveragePooling2d({ inputShape: [32, 32, 3] })] });
    const onnx = layersModelToOnnx(model, { preprocessing: { ...SMALL, scaling: 'raw255' } });
    const runner = await OnnxRunner.create(onnx.bytes, { threads: 1 });
    const pixels = await decodePhotos(hymenopteraFiles(3), 32);
    const size = 32 * 32 * 3;
    const all = await runner.runAll(pixels, 6, 4);
    expect(all).toHaveLength(18);
    // Batches are views into one buffer; each example must come out as when it runs alone.
    for (const i of [0, 5]) expect(Array.from(all.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(await runner.run(pixels.slice(i * size, (i + 1) * size), 1)));
    // The mean colour of a real photo: within 0..255, and photos differ.
    expect(all.every((v) => v > 0 && v < 255)).toBe(true);
    expect(all[0]).not.toBe(all[15]);
    await expect(runner.run(pixels.subarray(0, 100), 1)).rejects.toThrow(/Expected 1 x 32x32x3 values, got 100/);
    await runner.dispose();
    await expect(runner.run(pixels.subarray(0, 32 * 32 * 3), 1)).rejects.toThrow(/disposed/);
  });
});
