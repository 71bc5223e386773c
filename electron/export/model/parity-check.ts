// The check every model export passes before it is called done: the exported files, reloaded in
// the runtime a user would run them in, against the studio's own forward pass on the same
// decoded photos. Both sides get the pixels the run's preprocessing spec makes; each applies its
// own scaling (the studio scales outside its backbone, an export may scale inside).
import type { ExportParity, ModelExportFormat, Preprocessing, WeightQuantization } from '../../ipc/schemas.js';
import { scalePixels } from '../../engine/images/decode.js';
import { concat, type ReferenceModel } from '../onnx/parity.js';
import { compareOutputs, judgeParity } from '../parity.js';
import { checkPipelineParity } from './pipeline-check.js';
import type { SampleImages } from './samples.js';

/** An exported model as its user would run it: raw RGB 0..255 (NHWC) in, probabilities out. */
export interface CandidateModel {
  /** Which runtime loaded the files, for the record ("tfjs-layers 4.22.0 (wasm)"). */
  runtime: string;
  predict(raw: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void | Promise<void>;
}

export interface ParityRequest {
  reference: ReferenceModel;
  candidate: CandidateModel;
  samples: SampleImages;
  preprocessing: Preprocessing;
  classes: number;
  quantization: WeightQuantization | null;
  /** The run's stored probabilities for the samples (NaN rows where missing). */
  stored: Float32Array | null;
  batchSize?: number;
  checkpoint?: () => void;
  /** Also feed the samples' files through this format's README preprocessing (issue 22). */
  format?: Exclude<ModelExportFormat, 'card'>;
}

async function inBatches(count: number, per: number, batch: number, run: (offset: number, n: number) => Promise<Float32Array>, checkpoint?: () => void): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  for (let start = 0; start < count; start += batch) {
    checkpoint?.();
    const n = Math.min(batch, count - start);
    chunks.push(await run(start * per, n));
  }
  return concat(chunks);
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Agreement with the stored predictions, over the samples that have one. */
function againstStored(candidate: Float32Array, stored: Float32Array, classes: number): ExportParity['stored'] {
  const rows: number[] = [];
  for (let r = 0; r < stored.length / classes; r++) if (!Number.isNaN(stored[r * classes]!)) rows.push(r);
  if (rows.length === 0) return null;
  const pick = (values: Float32Array) => {
    const out = new Float32Array(rows.length * classes);
    rows.forEach((r, i) => out.set(values.subarray(r * classes, (r + 1) * classes), i * classes));
    return out;
  };
  const stats = compareOutputs(pick(stored), pick(candidate), rows.length, true);
  return { compared: rows.length, maxAbs: stats.maxAbs, top1Agreement: stats.top1Agreement ?? 0 };
}

export async function checkExportParity(request: ParityRequest): Promise<ExportParity> {
  const { samples, preprocessing, classes } = request;
  if (samples.count === 0) throw new Error('There are no readable images in the project to check the export on.');
  const started = Date.now();
  const per = preprocessing.inputSize * preprocessing.inputSize * 3;
  const batch = request.batchSize ?? 16;
  const slice = (offset: number, n: number) => samples.raw.subarray(offset, offset + n * per);
  // Scaled exactly as the studio's embedding pipeline scales (scalePixels), not re-derived.
  const scaled = (o: number, n: number) => {
    const out = new Float32Array(n * per);
    scalePixels(slice(o, n), preprocessing.scaling, out, 0);
    return out;
  };
  const reference = await inBatches(samples.count, per, batch, (o, n) => request.reference(scaled(o, n), n), request.checkpoint);
  const exported = await inBatches(samples.count, per, batch, (o, n) => request.candidate.predict(slice(o, n), n), request.checkpoint);
  if (exported.length !== samples.count * classes) {
    throw new Error(`The exported model gives ${exported.length / samples.count} values per image; the run has ${classes} classes.`);
  }
  const verdict = judgeParity(compareOutputs(reference, exported, samples.count, true), 'probabilities');
  const pipeline = request.format
    ? await checkPipelineParity({
        format: request.format,
        spec: preprocessing,
        files: samples.images.map((i) => i.path),
        candidate: request.candidate,
        reference,
        classes,
        ...(request.checkpoint ? { checkpoint: request.checkpoint } : {}),
      })
    : null;
  return {
    kind: verdict.kind,
    examples: verdict.examples,
    maxAbs: finite(verdict.maxAbs),
    scale: verdict.scale,
    maxRel: finite(verdict.maxRel),
    top1Agreement: verdict.top1Agreement,
    passed: verdict.passed,
    target: verdict.target,
    judged: request.quantization === null,
    runtime: request.candidate.runtime,
    quantization: request.quantization,
    split: samples.split,
    images: samples.images,
    stored: request.stored ? againstStored(exported, request.stored, classes) : null,
    pipeline,
    ms: Date.now() - started,
  };
}
