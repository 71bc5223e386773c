// A model export from start to finish: resolve the run, load the studio's model, write the
// format's files into a staging folder, reload them as a user would and check them against the
// studio on the project's photos, add parity.json and the model card, and only then move the
// folder into place and record it. A failed check leaves no export behind, only its record.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../domain/result.js';
import type { ExportParity, ModelExportFormat, WeightQuantization } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { recordExport, recordFailedExport } from '../../project/exports.js';
import { readMeta } from '../../project/settings.js';
import { cardData } from '../card/card-data.js';
import { parityLine, writeModelCard } from '../card/model-card.js';
import { folderBytes, resolveTarget, timestampedName, writeExportFolder, type ExportTarget } from '../folder.js';
import { onnxFormat } from '../onnx/file-format.js';
import { teachableFormat } from '../teachable/export.js';
import { tfjsFormat } from '../tfjs/format.js';
import { tfliteFormat } from '../tflite/format.js';
import { kerasFormat } from '../keras/format.js';
import { bundleFormat } from '../bundle/format.js';
import type { FormatOutput, ModelFormatWriter } from './format.js';
import { checkExportParity } from './parity-check.js';
import { sampleImages, storedPredictions } from './samples.js';
import { resolveModelSource, type ModelRef, type ModelSource } from './source.js';
import { loadStudioModel, type StudioModel } from './studio-model.js';

export const FORMATS: Record<Exclude<ModelExportFormat, 'card'>, ModelFormatWriter> = {
  tfjs: tfjsFormat,
  teachable: teachableFormat,
  onnx: onnxFormat,
  tflite: tfliteFormat,
  keras: kerasFormat,
  bundle: bundleFormat,
};

export const DEFAULT_SAMPLE_COUNT = 32;
export const PARITY_FILE = 'parity.json';

export interface ModelExportRequest extends ModelRef {
  db: Db;
  projectDir: string;
  modelCacheDir: string;
  format: ModelExportFormat;
  quantization?: WeightQuantization | null | undefined;
  sampleCount?: number | undefined;
  target?: ExportTarget | undefined;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Throws to cancel. */
  checkpoint?: () => void;
  /** Runs once every file is in the staging folder, just before it moves into place (tests fail it). */
  beforeCommit?: (staging: string) => void | Promise<void>;
  /** The export's row begun 'running' by the channel that started it: settled, not added. */
  exportId?: number | undefined;
}

export interface ModelExportResult {
  exportId: number;
  runId: number;
  modelId: number;
  format: ModelExportFormat;
  dir: string;
  files: string[];
  bytes: number;
  weightBytes: number | null;
  float32WeightBytes: number | null;
  parity: ExportParity | null;
  warnings: string[];
}

export class ParityFailedError extends StudioError {
  constructor(readonly parity: ExportParity) {
    super('conflict', `The exported model does not predict as the studio does, so it was not saved: ${parityLine(parity)}`);
  }
}

/** README preprocessing that does not reproduce the studio's answers is said out loud (issue 22). */
function pipelineWarnings(parity: ExportParity | null): string[] {
  const p = parity?.pipeline;
  if (!p || p.passed || parity?.quantization) return [];
  return [`Fed from the photo files as the README says (${p.pipeline}), the export gives max |Δp| ${p.maxAbs?.toExponential(1) ?? 'NaN'} and top-1 agreement ${((p.top1Agreement ?? 0) * 100).toFixed(0)} % against the studio on ${p.examples} photos.`];
}

/** A quantized export that changes answers says so where the user looks first. */
function quantizationWarnings(parity: ExportParity | null): string[] {
  if (!parity?.quantization || parity.top1Agreement === null || parity.top1Agreement === 1) return [];
  const changed = Math.round((1 - parity.top1Agreement) * parity.examples);
  return [`With ${parity.quantization} weights, ${changed} of ${parity.examples} checked images get a different top class than in the studio (max |Δp| ${parity.maxAbs?.toExponential(1) ?? 'NaN'}); float16 or float32 weights keep the studio's answers.`];
}

function modelName(db: Db, source: ModelSource): string {
  return `${readMeta(db, 'name') ?? 'Transfer Studio model'} (run ${source.runId})`;
}

interface StageInput {
  db: Db;
  staging: string;
  writer: ModelFormatWriter;
  studio: StudioModel;
  source: ModelSource;
  quantization: WeightQuantization | null;
  sampleCount: number;
  exportedAt: Date;
  progress: (phase: string, done: number, total: number) => void;
  checkpoint: () => void;
}

/** Writes the format's files, reloads them as a user would and checks them against the studio. */
async function writeAndCheck(s: StageInput): Promise<{ output: FormatOutput; parity: ExportParity }> {
  s.progress('writing', 0, 1);
  const output = await s.writer.write({ staging: s.staging, source: s.source, studio: s.studio, quantization: s.quantization, modelName: modelName(s.db, s.source), exportedAt: s.exportedAt, db: s.db });
  s.checkpoint();
  s.progress('checking parity', 0, 3);
  const samples = await sampleImages(s.db, s.source.preprocessing, s.sampleCount, s.checkpoint);
  s.progress('checking parity', 1, 3);
  const candidate = await output.reload();
  let parity: ExportParity;
  try {
    parity = await checkExportParity({
      reference: s.studio.forward,
      candidate,
      samples,
      preprocessing: s.source.preprocessing,
      classes: s.source.classIds.length,
      quantization: s.quantization,
      stored: storedPredictions(s.db, s.source.runId, samples.images.map((i) => i.imageId), s.source.classIds.length),
      checkpoint: s.checkpoint,
      format: s.writer.id,
    });
  } finally {
    await candidate.dispose();
  }
  s.progress('checking parity', 3, 3);
  if (parity.judged && !parity.passed) throw new ParityFailedError(parity);
  fs.writeFileSync(path.join(s.staging, PARITY_FILE), JSON.stringify(parity, null, 2));
  return { output, parity };
}

export async function exportModel(request: ModelExportRequest): Promise<ModelExportResult> {
  const { db, projectDir, format } = request;
  const quantization = request.quantization ?? null;
  const progress = request.onProgress ?? (() => undefined);
  const checkpoint = request.checkpoint ?? (() => undefined);
  const source = resolveModelSource(db, projectDir, request.modelCacheDir, request);
  const writer = format === 'card' ? null : FORMATS[format];
  if (format === 'card' && quantization) throw new StudioError('invalid_payload', 'A model card has no weights to quantize.');
  const refusal = writer?.refusal(source, quantization);
  if (refusal) throw new StudioError('conflict', refusal);

  const target = resolveTarget(projectDir, request.target, timestampedName(`run-${source.runId}-${format}${quantization ? `-${quantization}` : ''}`));
  const exportedAt = new Date();
  const sampleCount = request.sampleCount ?? DEFAULT_SAMPLE_COUNT;
  const options = { quantization, ...(writer ? { sampleCount } : {}) };
  const record = { kind: 'model' as const, format, runId: source.runId, modelId: source.modelId, options, id: request.exportId };

  let studio: StudioModel | null = null;
  try {
    progress('loading model', 0, 1);
    studio = writer ? await loadStudioModel(source) : null;
    const loaded = studio;
    const written = await writeExportFolder(target, async (staging) => {
      const checked = writer && loaded ? await writeAndCheck({ db, staging, writer, studio: loaded, source, quantization, sampleCount, exportedAt, progress, checkpoint }) : null;
      progress('writing model card', 0, 1);
      const warnings = [...(checked?.output.warnings ?? []), ...quantizationWarnings(checked?.parity ?? null), ...pipelineWarnings(checked?.parity ?? null)];
      const modelFiles = checked ? [...checked.output.files, PARITY_FILE] : [];
      const card = cardData(db, { source, projectDir, format, formatTitle: writer?.title ?? 'a model card only', quantization, parity: checked?.parity ?? null, files: modelFiles, exportedAt, warnings });
      const files = [...modelFiles, ...(await writeModelCard(staging, card))];
      await request.beforeCommit?.(staging);
      return { files, warnings, output: checked?.output ?? null, parity: checked?.parity ?? null };
    });
    const { files, warnings, output, parity } = written.value;
    const bytes = folderBytes(written.dir);
    const summary = { files: files.length, rows: 0, skipped: [], skippedTotal: 0, warnings };
    const exportId = recordExport(db, projectDir, { ...record, path: written.dir, status: 'done', parity, bytes, summary });
    return {
      exportId,
      runId: source.runId,
      modelId: source.modelId,
      format,
      dir: written.dir,
      files,
      bytes,
      weightBytes: output?.weightBytes ?? null,
      float32WeightBytes: output?.float32WeightBytes ?? null,
      parity,
      warnings,
    };
  } catch (error) {
    if (!(error instanceof StudioError && error.code === 'cancelled')) {
      recordFailedExport(db, projectDir, {
        ...record,
        path: path.join(target.parentDir, target.name),
        parity: error instanceof ParityFailedError ? error.parity : null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  } finally {
    studio?.dispose();
  }
}
