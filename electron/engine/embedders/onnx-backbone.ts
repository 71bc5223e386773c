// A backbone converted once to ONNX by our own writer, checked against the tfjs forward pass on
// real images, and cached beside the backbone with the check's record. A record that does not
// match the installed files, the writer's version or the .onnx on disk is rebuilt; a failed
// conversion or check is remembered too (with its reason), so it is not retried on every run.
import fs from 'node:fs';
import path from 'node:path';
import { compareOutputs, judgeParity } from '../../onnx/output-parity.js';
import { graphModelToOnnx, layersModelToOnnx } from '../../onnx/index.js';
import { PRODUCER_VERSION } from '../../onnx/metadata.js';
import type { Preprocessing } from '../../domain/schemas.js';
import type { BackboneSpec } from '../backbones/catalogue.js';
import type { LoadedBackbone } from '../backbones/load.js';
import { readInstall } from '../backbones/model-cache.js';
import { sha256File } from '../backbones/sha256.js';
import { loadArtifacts } from '../model-files.js';
import { OnnxRunner } from '../onnx-runner.js';
import { ONNX_FILE, ONNX_RECORD, readOnnxRecord, type OnnxRecord } from './onnx-record.js';

export { ONNX_FILE, ONNX_RECORD };

/** Raw RGB 0..255 images (NHWC) for the check; the same pixels go to both runtimes. */
export interface ParitySamples {
  scaled: Float32Array;
  count: number;
}

function sourceKey(dir: string, spec: BackboneSpec): string {
  const record = readInstall(spec.id, path.dirname(dir));
  return record?.files['model.json'] ?? `unrecorded:${fs.statSync(path.join(dir, 'model.json')).mtimeMs}`;
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Bump when the conversion itself changes (what is converted, options), not only the writer. */
const WRITER = `${PRODUCER_VERSION}/embedding-1`;

export type ConvertBackbone = (spec: BackboneSpec, dir: string, tfBackbone: LoadedBackbone, preprocessing: Preprocessing) => Uint8Array;

const convert: ConvertBackbone = (spec, dir, tfBackbone, preprocessing) => {
  const options = { preprocessing, inputScaling: 'external' as const, outputKind: 'embedding' as const };
  if (spec.format === 'layers') {
    if (!tfBackbone.layersModel) throw new Error('the layers backbone did not load as a LayersModel');
    return layersModelToOnnx(tfBackbone.layersModel, options).bytes;
  }
  return graphModelToOnnx(loadArtifacts(dir), { ...options, ...(spec.embedding.node ? { outputNode: spec.embedding.node } : {}), flattenOutput: true }).bytes;
};

export interface OnnxBackbone {
  record: OnnxRecord;
  /** The cached model's bytes when the record says it may be used. */
  bytes: Uint8Array | null;
}

/** The cached conversion if it is valid for this install, else null (to be rebuilt). */
export async function cachedOnnxBackbone(spec: BackboneSpec, dir: string): Promise<OnnxBackbone | null> {
  const record = readOnnxRecord(dir);
  if (!record || record.source !== sourceKey(dir, spec) || record.writer !== WRITER) return null;
  if (!record.ok) return { record, bytes: null };
  const file = path.join(dir, ONNX_FILE);
  if (!fs.existsSync(file) || (await sha256File(file)) !== record.onnxSha256) return null;
  return { record, bytes: new Uint8Array(fs.readFileSync(file)) };
}

/**
 * Converts and checks. `samples` must be scaled as the backbone expects (what the embedder
 * gets); the runner is created with `threads` intra-op threads for the check and disposed.
 */
export async function buildOnnxBackbone(
  spec: BackboneSpec,
  dir: string,
  tfBackbone: LoadedBackbone,
  preprocessing: Preprocessing,
  samples: ParitySamples,
  options: { threads?: number; convert?: ConvertBackbone } = {},
): Promise<OnnxBackbone> {
  const base = { source: sourceKey(dir, spec), writer: WRITER, createdAt: new Date().toISOString() };
  const fail = (reason: string, parity: OnnxRecord['parity'] = null): OnnxBackbone => {
    const record: OnnxRecord = { ...base, ok: false, reason, onnxSha256: null, parity };
    writeAtomic(path.join(dir, ONNX_RECORD), JSON.stringify(record, null, 2));
    return { record, bytes: null };
  };

  let bytes: Uint8Array;
  try {
    bytes = (options.convert ?? convert)(spec, dir, tfBackbone, preprocessing);
  } catch (error) {
    return fail(`conversion failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (samples.count === 0) return { record: { ...base, ok: false, reason: 'no image could be decoded to check the conversion', onnxSha256: null, parity: null }, bytes: null };

  const runner = await OnnxRunner.create(bytes, options.threads ? { threads: options.threads } : {});
  let verdict;
  try {
    const reference = await tfBackbone.embed(samples.scaled, samples.count);
    const candidate = await runner.run(samples.scaled, samples.count);
    verdict = judgeParity(compareOutputs(reference, candidate, samples.count, false), 'embedding');
  } finally {
    await runner.dispose();
  }
  const parity = { images: samples.count, maxAbs: verdict.maxAbs, scale: verdict.scale, maxRel: verdict.maxRel, target: verdict.target, passed: verdict.passed };
  if (!verdict.passed) return fail(`parity ${verdict.maxRel.toExponential(2)} of the embedding's scale is above the target (${verdict.target})`, parity);

  const file = path.join(dir, ONNX_FILE);
  writeAtomic(file, bytes);
  const record: OnnxRecord = { ...base, ok: true, reason: null, onnxSha256: await sha256File(file), parity };
  // The record goes last: a kill between the two writes leaves a record that does not match.
  writeAtomic(path.join(dir, ONNX_RECORD), JSON.stringify(record, null, 2));
  return { record, bytes };
}
