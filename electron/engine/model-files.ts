// TF.js models on disk (model.json + weight shards) without tfjs-node's file:// handler, which
// does not exist on the wasm and cpu backends. Loading reads every shard the manifest names,
// refusing paths that leave the model folder; saving writes to a temp folder and renames it
// into place, so a crash never leaves a half model that loads.
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { partialFolderName } from '../project/partial-folders.js';

export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: { [key: string]: {} };
  modelInitializer?: unknown;
  trainingConfig?: tf.io.TrainingConfig;
}

export class ModelFileError extends Error {}

export function readModelJson(dir: string): ModelJson {
  const file = path.join(dir, 'model.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ModelFileError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // V8's message quotes the start of the text: a file the user pointed at is not echoed back.
    throw new ModelFileError(`${file} is not valid JSON, so it is not a TF.js model.`);
  }
  const model = json as Partial<ModelJson>;
  if (!model || typeof model !== 'object' || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new ModelFileError(`${file} is not a TF.js model (no modelTopology or weightsManifest).`);
  }
  return model as ModelJson;
}

/** Every weight file a model.json names, resolved inside its folder. */
export function weightFiles(dir: string, model: ModelJson): string[] {
  const root = path.resolve(dir);
  return model.weightsManifest.flatMap((group) =>
    group.paths.map((p) => {
      const full = path.resolve(root, decodeURIComponent(p));
      if (!full.startsWith(root + path.sep)) throw new ModelFileError(`Weight path ${JSON.stringify(p)} leaves the model folder.`);
      return full;
    }),
  );
}

/** Bytes of weight data the manifest describes. */
function manifestBytes(model: ModelJson): number {
  return model.weightsManifest
    .flatMap((g) => g.weights)
    .reduce((sum, w) => {
      const bytes = w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : 4;
      return sum + w.shape.reduce((a, b) => a * b, 1) * bytes;
    }, 0);
}

/**
 * Checks a model folder without loading it: every weight file model.json names is there, and
 * together they hold the bytes the manifest describes. Run before a folder enters the model
 * cache, so that a download or an import never installs a model that cannot load.
 */
export function verifyModelFolder(dir: string): void {
  const model = readModelJson(dir);
  const files = weightFiles(dir, model);
  const missing = files.filter((f) => !fs.statSync(f, { throwIfNoEntry: false })?.isFile()).map((f) => path.relative(path.resolve(dir), f));
  if (missing.length) {
    const listed = missing.length > 5 ? `${missing.slice(0, 5).join(', ')} and ${missing.length - 5} more` : missing.join(', ');
    throw new ModelFileError(`${dir} is missing ${missing.length === 1 ? 'a weight file' : `${missing.length} weight files`} that its model.json names: ${listed}.`);
  }
  const have = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const need = manifestBytes(model);
  if (have < need) throw new ModelFileError(`The weights in ${dir} are truncated: ${have} bytes, the manifest needs ${need}.`);
}

export function loadArtifacts(dir: string): tf.io.ModelArtifacts {
  const model = readModelJson(dir);
  const buffers = weightFiles(dir, model).map((file) => {
    try {
      const data = fs.readFileSync(file);
      return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    } catch (error) {
      throw new ModelFileError(`Missing or unreadable weight file ${path.basename(file)}: ${(error as Error).message}`);
    }
  });
  const weightSpecs = model.weightsManifest.flatMap((g) => g.weights);
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const expected = manifestBytes(model);
  if (weightData.byteLength < expected) {
    throw new ModelFileError(`Weights are truncated: ${weightData.byteLength} bytes, the manifest needs ${expected}.`);
  }
  return {
    modelTopology: model.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy ?? null,
    signature: model.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: model.userDefinedMetadata,
    modelInitializer: model.modelInitializer as tf.io.ModelArtifacts['modelInitializer'],
    trainingConfig: model.trainingConfig,
  };
}

/** A load handler for tf.loadLayersModel / loadGraphModel that reads a folder on disk. */
export function fromDisk(dir: string): tf.io.IOHandler {
  return tf.io.fromMemory(loadArtifacts(dir));
}

/** Flushes a folder's files and the folder itself, so that the rename publishes whole files even after a power cut. */
function syncFolder(dir: string): void {
  for (const name of [...fs.readdirSync(dir), '.']) {
    const fd = fs.openSync(path.join(dir, name), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function writeAtomically(target: string, write: (tmp: string) => void): void {
  const tmp = partialFolderName(target);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    write(tmp);
    syncFolder(tmp);
    if (fs.existsSync(target)) throw new ModelFileError(`${target} already exists; not overwriting it.`);
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A save handler writing model.json + weights.bin into `dir` (which must not exist yet).
 * `extra` files (labels, preprocessing spec) land in the same atomic move.
 */
export function toDisk(dir: string, extra: Record<string, string> = {}): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: ModelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        ...(artifacts.signature ? { signature: artifacts.signature } : {}),
      };
      writeAtomically(dir, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'weights.bin'), Buffer.from(weightData));
        fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify(json));
        for (const [name, content] of Object.entries(extra)) fs.writeFileSync(path.join(tmp, name), content);
      });
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },
  };
}
