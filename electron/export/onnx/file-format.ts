// ONNX export: the backbone and the head as one .onnx graph (opset 13, input "image" taking raw
// 0..255 RGB, output "probabilities"), labels and the preprocessing spec in its metadata and
// beside it, reloaded in onnxruntime-node for the parity check. Layers and graph (TF-Hub)
// backbones both convert.
import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import { loadArtifacts } from '../../engine/model-files.js';
import { loadOnnxRuntime, OnnxRunner } from '../../engine/onnx-runner.js';
import type { FormatOutput, ModelFormatWriter } from '../model/format.js';
import { inputSpecFile } from '../model/input-spec.js';
import type { CandidateModel } from '../model/parity-check.js';
import type { ModelSource } from '../model/source.js';
import type { StudioModel } from '../model/studio-model.js';
import { OnnxConversionError } from './errors.js';
import { backboneWithHeadToOnnx, graphBackboneWithHeadToOnnx, readOnnxMetadata, type OnnxModel } from './index.js';
import { onnxReadme, onnxScripts } from './readme.js';

export const ONNX_MODEL_FILE = 'model.onnx';
/** The oldest opset the export may use (Softmax over one axis, tensor-input Clip/Pad/Squeeze). */
export const MIN_OPSET = 13;

function convert(source: ModelSource, studio: StudioModel): OnnxModel {
  const options = {
    preprocessing: source.preprocessing,
    labels: source.classNames,
    inputScaling: 'in-model' as const,
    inputName: 'image',
    outputName: 'probabilities',
    docString: `${pkg.productName} ${pkg.version}: run ${source.runId}, ${source.backbone.name} with a trained head. Input raw RGB 0..255, NHWC; resize by ${source.preprocessing.resizeMode} to ${source.preprocessing.inputSize}.`,
  };
  if (studio.backbone.layersModel) return backboneWithHeadToOnnx(studio.backbone.layersModel, studio.head, options);
  return graphBackboneWithHeadToOnnx(loadArtifacts(source.backboneDir), source.backbone.embedding.node, studio.head, options);
}

/** The .onnx as a user runs it: bytes from disk into a new onnxruntime session. */
async function reloadOnnx(file: string, source: ModelSource): Promise<CandidateModel> {
  const bytes = fs.readFileSync(file);
  const meta = readOnnxMetadata(bytes);
  if (meta.opset < MIN_OPSET) throw new OnnxConversionError(`The written model uses opset ${meta.opset}; ${MIN_OPSET} or later is required.`);
  if (JSON.stringify(meta.labels) !== JSON.stringify(source.classNames)) throw new OnnxConversionError('The written model\'s labels do not match the run\'s classes.');
  if (JSON.stringify(meta.preprocessing) !== JSON.stringify(source.preprocessing)) throw new OnnxConversionError('The written model\'s preprocessing does not match the run\'s.');
  const runner = await OnnxRunner.create(bytes);
  return {
    runtime: `onnxruntime-node ${await runtimeVersion()} (CPU, ${runner.threads} threads)`,
    // The scaling is inside the graph: raw pixels go in as they are.
    predict: (raw, count) => runner.run(raw, count),
    dispose: () => runner.dispose(),
  };
}

async function runtimeVersion(): Promise<string> {
  const runtime = await loadOnnxRuntime();
  return runtime.ok ? (runtime.ort.env.versions?.node ?? '') : '';
}

export const onnxFormat: ModelFormatWriter = {
  id: 'onnx',
  title: 'ONNX model',

  refusal(_source, quantization) {
    return quantization ? 'The ONNX export writes float32 weights only; export TF.js for quantized weights.' : null;
  },

  async write({ staging, source, studio, modelName }): Promise<FormatOutput> {
    const onnx = convert(source, studio);
    const file = path.join(staging, ONNX_MODEL_FILE);
    fs.writeFileSync(file, onnx.bytes);
    fs.writeFileSync(path.join(staging, 'labels.json'), JSON.stringify(source.classNames, null, 2));
    fs.writeFileSync(path.join(staging, 'preprocessing.json'), JSON.stringify(inputSpecFile(source.preprocessing, source.backbone, source.classNames, 'in-model'), null, 2));
    fs.writeFileSync(path.join(staging, 'README.md'), onnxReadme(modelName, source.classNames, source.preprocessing));
    const scripts = onnxScripts(source.preprocessing);
    for (const [name, text] of Object.entries(scripts)) fs.writeFileSync(path.join(staging, name), text);
    return {
      files: [ONNX_MODEL_FILE, 'labels.json', 'preprocessing.json', 'README.md', ...Object.keys(scripts)],
      weightBytes: onnx.bytes.length,
      float32WeightBytes: onnx.bytes.length,
      warnings: [],
      reload: () => reloadOnnx(file, source),
    };
  },
};
