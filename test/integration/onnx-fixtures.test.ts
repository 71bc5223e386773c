// Every fixture backbone and model, converted by our ONNX writer, run in onnxruntime-node and
// compared with the tfjs (wasm) forward pass on real hymenoptera photos.
import * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-converter';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../electron/engine/backend.js';
import { fromDisk, loadArtifacts } from '../../electron/engine/model-files.js';
import { OnnxRunner } from '../../electron/engine/onnx-runner.js';
import { decodeModel } from '../../electron/onnx/encode.js';
import { graphModelToOnnx, layersModelToOnnx, type OnnxModel } from '../../electron/onnx/index.js';
import { checkOnnxParity, tfjsReference, type ReferenceModel } from '../../electron/export/onnx/parity.js';
import type { Preprocessing } from '../../electron/domain/schemas.js';
import { fixture, fixturesUnavailable } from '../helpers/fixtures.js';
import { decodePhotos, hymenopteraFiles } from '../helpers/photos.js';

const skip = fixturesUnavailable();
const KERAS: Preprocessing = { inputSize: 224, resizeMode: 'center-crop', scaling: 'minus1to1' };
const HUB: Preprocessing = { inputSize: 224, resizeMode: 'center-crop', scaling: 'zero1' };
const COUNT = 8;
let pixels: Float32Array;

beforeAll(async () => {
  if (skip) return;
  await initBackend('wasm');
  pixels = await decodePhotos(hymenopteraFiles(COUNT / 2));
});

const runners: OnnxRunner[] = [];
afterAll(async () => {
  for (const r of runners) await r.dispose();
});

async function parity(model: OnnxModel, reference: ReferenceModel) {
  const runner = await OnnxRunner.create(model.bytes, { threads: 2 });
  runners.push(runner);
  const result = await checkOnnxParity({ reference, runner, metadata: model.metadata, pixels, count: COUNT, batchSize: 4 });
  console.log(
    `[onnx parity] ${model.metadata.source} → ${model.outputName}: max|Δ| ${result.maxAbs.toExponential(2)}, scale ${result.scale.toFixed(3)}, ` +
      `rel ${result.maxRel.toExponential(2)}, top-1 ${result.top1Agreement ?? 'n/a'}`,
  );
  return result;
}

function opCounts(model: OnnxModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of decodeModel(model.bytes).graph?.node ?? []) counts[n.opType!] = (counts[n.opType!] ?? 0) + 1;
  return counts;
}

describe.skipIf(skip)('ONNX export of the fixture models, on real photos', () => {
  it('MobileNetV2 0.35 backbone (nested Sequential): embeddings within 1e-4 of their scale, BN folded', async () => {
    const model = await tfl.loadLayersModel(fromDisk(fixture('models', 'tm-mobilenet_v2_0.35_224-backbone')));
    const onnx = layersModelToOnnx(model, { preprocessing: KERAS });
    expect(onnx.outputName).toBe('embedding');
    expect(onnx.outputShape).toEqual(['batch', 1280]);
    const result = await parity(onnx, tfjsReference((x) => model.predict(x) as tf.Tensor, 224));
    expect(result.passed).toBe(true);
    expect(result.maxRel).toBeLessThanOrEqual(1e-4);
    // Real features, not zeros: the comparison would be vacuous otherwise.
    expect(result.scale).toBeGreaterThan(1);
    // 52 convolutions, each with its BatchNormalization folded in: no Mul/Add left but the
    // 10 residual adds, no BatchNormalization-shaped leftovers.
    const ops = opCounts(onnx);
    expect(ops.Conv).toBe(52);
    expect(ops.Add).toBe(10);
    expect(ops.Mul ?? 0).toBe(0);
    model.dispose();
  });

  it('Teachable Machine export (backbone + trained head): probabilities within 1e-4, same top-1', async () => {
    const model = await tfl.loadLayersModel(fromDisk(fixture('models', 'tm-mobilenet_v2_0.35_224-truncated')));
    const onnx = layersModelToOnnx(model, { preprocessing: KERAS, labels: Array.from({ length: 14 }, (_, i) => `class ${i}`) });
    expect(onnx.outputName).toBe('probabilities');
    const result = await parity(onnx, tfjsReference((x) => model.predict(x) as tf.Tensor, 224));
    expect(result.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(result.top1Agreement).toBe(1);
    expect(result.passed).toBe(true);
    model.dispose();
  });

  it('Keras MobileNet v1 0.25 (Reshape, Dropout, conv classifier, softmax): ImageNet probabilities match', async () => {
    const model = await tfl.loadLayersModel(fromDisk(fixture('models', 'keras-mobilenet_v1_0.25_224-layers')));
    const onnx = layersModelToOnnx(model, { preprocessing: KERAS });
    expect(onnx.outputShape).toEqual(['batch', 1000]);
    const result = await parity(onnx, tfjsReference((x) => model.predict(x) as tf.Tensor, 224));
    expect(result.maxAbs).toBeLessThanOrEqual(1e-4);
    expect(result.top1Agreement).toBe(1);
    // Not a flat softmax: the model is confident somewhere, so top-1 agreement means something.
    expect(result.scale).toBeGreaterThan(0.2);

    // Cut at its embedding layer, as the engine uses it (a functional model over the loaded one).
    const cut = tfl.model({ inputs: model.inputs, outputs: model.getLayer('global_average_pooling2d_1').output as tfl.SymbolicTensor });
    const embedding = layersModelToOnnx(cut, { preprocessing: KERAS, inputScaling: 'external' });
    expect(embedding.outputShape).toEqual(['batch', 256]);
    const cutResult = await parity(embedding, tfjsReference((x) => cut.predict(x) as tf.Tensor, 224));
    expect(cutResult.passed).toBe(true);
    model.dispose();
  });

  it('TF-Hub MobileNet v1 GraphModel: the embedding node and the logits', async () => {
    const artifacts = loadArtifacts(fixture('models', 'tfhub-mobilenet_v1_025_224-graph'));
    const graph = await tfc.loadGraphModel(tf.io.fromMemory(artifacts));
    const node = 'module_apply_default/MobilenetV1/Logits/global_pool';

    const embedding = graphModelToOnnx(artifacts, { preprocessing: HUB, outputNode: node, flattenOutput: true });
    expect(embedding.outputShape).toEqual(['batch', 256]);
    const result = await parity(embedding, tfjsReference((x) => tf.reshape(graph.execute(x, node) as tf.Tensor, [x.shape[0], -1]), 224));
    expect(result.passed).toBe(true);
    expect(result.scale).toBeGreaterThan(1);

    const logits = graphModelToOnnx(artifacts, { preprocessing: HUB, outputKind: 'logits' });
    expect(logits.outputShape).toEqual(['batch', 1001]);
    const logitsResult = await parity(logits, tfjsReference((x) => graph.execute(x) as tf.Tensor, 224));
    expect(logitsResult.maxRel).toBeLessThanOrEqual(1e-4);
    expect(logitsResult.top1Agreement).toBe(1);
    graph.dispose();
  });
});
