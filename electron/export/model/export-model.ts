// A model export from start to finish: resolve the run, load the studio's model, write the
// format's files into a staging folder, reload them as a user would and check them against the
// studio on the project's photos, add parity.json and the model card, and only then move the
// folder into place and record it. A failed check leaves no export behind, only its record.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../ipc/result.js';
import type { ExportParity, ModelExportFormat, WeightQuantization } from '../../ipc/schemas.js';
import type { Db } from '../../project/database.js';
import { recordExport, recordFailedExport } from '../../project/exports.js';
import { readMeta } from '../../project/settings.js';
import { cardData } from '../card/card-data.js';
import { parityLine, writeModelCard } from '../card/model-card.js';
import { folderBytes, resolveTarget, timestampedName, writeExportFolder, type ExportTarget } from '../folder.js';
import { onnxFormat } from '../onnx/file-format.js';
import { teachableFormat } from '../teachable/export.js';
import { tfjsFormat } from '../tfjs/format.js';
import type { FormatOutput, ModelFormatWriter } from './format.js';
import { checkExportParity } from './parity-check.js';
import { sampleImages, storedPredictions } from './samples.js';
import { resolveModelSource, type ModelRef, type ModelSource } from './source.js';
import { loadStudioModel } from './studio-model.js';

export const FORMATS: Record<Exclude<ModelExportFormat, 'card'>, ModelFormatWriter> = {
  tfjs: tfjsFormat,
  teachable: teachableFormat,
  onnx: onnxFormat,
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

/** A quantized export that changes answers says so where the user looks first. */
function quantizationWarnings(parity: ExportParity | null): string[] {
  if (!parity?.quantization || parity.top1Agreement === null || parity.top1Agreement === 1) return [];
  const changed = Math.round((1 - parity.top1Agreement) * parity.examples);
  return [`With ${parity.quantization} weights, ${changed} of ${parity.examples} checked images get a different top class than in the studio (max |Δp| ${parity.maxAbs?.toExponential(1) ?? 'NaN'}); float16 or float32 weights keep the studio's answers.`];
}

function modelName(db: Db, source: ModelSource): string {
  return `${readMeta(db, 'name') ?? 'Transfer Studio model'} (run ${source.runId})`;
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
  const options = { quantization, ...(writer ? { sampleCount: request.sampleCount ?? DEFAULT_SAMPLE_COUNT } : {}) };
  let parity: ExportParity | null = null;
  const fail = (error: unknown) =>
    recordFailedExport(db, projectDir, {
      kind: 'model',
      format,
      runId: source.runId,
      modelId: source.modelId,
      path: path.join(target.parentDir, target.name),
      options,
      parity: error instanceof ParityFailedError ? error.parity : parity,
      error: error instanceof Error ? error.message : String(error),
    });

  progress('loading model', 0, 1);
  const studio = writer ? await loadStudioModel(source) : null;
  try {
    const written = await writeExportFolder(target, async (staging) => {
      let output: FormatOutput | null = null;
      if (writer && studio) {
        progress('writing', 0, 1);
        output = await writer.write({ staging, source, studio, quantization, modelName: modelName(db, source), exportedAt });
        checkpoint();
        progress('checking parity', 0, 3);
        const samples = await sampleImages(db, source.preprocessing, request.sampleCount ?? DEFAULT_SAMPLE_COUNT, checkpoint);
        progress('checking parity', 1, 3);
        const candidate = await output.reload();
        try {
          parity = await checkExportParity({
            reference: studio.forward,
            candidate,
            samples,
            preprocessing: source.preprocessing,
            classes: source.classIds.length,
            quantization,
            stored: storedPredictions(db, source.runId, samples.images.map((i) => i.imageId), source.classIds.length),
            checkpoint,
          });
        } finally {
          await candidate.dispose();
        }
        progress('checking parity', 3, 3);
        if (parity.judged && !parity.passed) throw new ParityFailedError(parity);
        fs.writeFileSync(path.join(staging, PARITY_FILE), JSON.stringify(parity, null, 2));
      }
      progress('writing model card', 0, 1);
      const warnings = [...(output?.warnings ?? []), ...quantizationWarnings(parity)];
      const modelFiles = output ? [...output.files, PARITY_FILE] : [];
      const card = cardData(db, {
        source,
        projectDir,
        format,
        formatTitle: writer?.title ?? 'a model card only',
        quantization,
        parity,
        files: modelFiles,
        exportedAt,
        warnings,
      });
      const files = [...modelFiles, ...(await writeModelCard(staging, card))];
      await request.beforeCommit?.(staging);
      return { files, output, warnings };
    });
    const bytes = folderBytes(written.dir);
    const warnings = written.value.warnings;
    const exportId = recordExport(db, projectDir, {
      kind: 'model',
      format,
      runId: source.runId,
      modelId: source.modelId,
      path: written.dir,
      status: 'done',
      options,
      parity,
      bytes,
      summary: { files: written.value.files.length, rows: 0, skipped: [], skippedTotal: 0, warnings },
    });
    return {
      exportId,
      runId: source.runId,
      modelId: source.modelId,
      format,
      dir: written.dir,
      files: written.value.files,
      bytes,
      weightBytes: written.value.output?.weightBytes ?? null,
      float32WeightBytes: written.value.output?.float32WeightBytes ?? null,
      parity,
      warnings,
    };
  } catch (error) {
    if (!(error instanceof StudioError && error.code === 'cancelled')) fail(error);
    throw error;
  } finally {
    studio?.dispose();
  }
}
