// A run's predictions as CSV, for every image it predicted or for a filtered set (a split, a
// label, a predicted class, unlabeled images, disagreements, low confidence): one row per image
// with its file, current label, split, the predicted class, confidence, margin and every class
// probability in the run's class order.
import path from 'node:path';
import { StudioError } from '../../domain/result.js';
import type { ExportSummary, PredictionFilter } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { recordExport, recordFailedExport } from '../../project/exports.js';
import { filteredPredictions } from '../../project/filtered-predictions.js';
import { requireFinishedRun } from '../../project/predictions.js';
import { readRunConfig } from '../../engine/training/run.js';
import { resolveTarget, timestampedName, writeExportFolder, type ExportTarget } from '../folder.js';
import { CsvFileWriter } from './csv-write.js';

export const PREDICTIONS_CSV = 'predictions.csv';
const ROWS_PER_STEP = 500;

export interface PredictionsExportRequest {
  db: Db;
  projectDir: string;
  /** Default: the newest finished run. */
  runId?: number | undefined;
  filter?: PredictionFilter | undefined;
  target?: ExportTarget | undefined;
  onProgress?: (phase: string, done: number, total: number) => void;
  checkpoint?: () => void;
  beforeCommit?: (staging: string) => void | Promise<void>;
  /** The export's row begun 'running' by the channel that started it: settled, not added. */
  exportId?: number | undefined;
}

export interface PredictionsExportResult {
  exportId: number;
  runId: number;
  dir: string;
  summary: ExportSummary;
}

export async function exportPredictions(request: PredictionsExportRequest): Promise<PredictionsExportResult> {
  const { db, projectDir } = request;
  const filter = request.filter ?? {};
  const runId = requireFinishedRun(db, request.runId, 'it has no predictions to export');
  const config = readRunConfig(db, runId);
  const names = new Map(config.classIds.map((id, i) => [id, config.classNames[i]!]));
  const k = config.classIds.length;
  const progress = request.onProgress ?? (() => undefined);
  const checkpoint = request.checkpoint ?? (() => undefined);
  const target = resolveTarget(projectDir, request.target, timestampedName(`run-${runId}-predictions`));
  const options = { filter };
  const { total, page } = filteredPredictions(db, runId, filter);

  try {
    const written = await writeExportFolder(target, async (staging) => {
      const header = ['path', 'label', 'split', 'predicted', 'confidence', 'margin', ...config.classNames.map((n) => `p_${n}`), 'hash', 'image_id'];
      const csv = new CsvFileWriter(path.join(staging, PREDICTIONS_CSV), header);
      try {
        for (let after = 0; ; ) {
          checkpoint();
          const rows = page(after, ROWS_PER_STEP);
          if (rows.length === 0) break;
          for (const r of rows) {
            const probs = new Float32Array(r.probs.buffer.slice(r.probs.byteOffset, r.probs.byteOffset + r.probs.byteLength));
            const p = Array.from({ length: k }, (_, c) => (probs[c] === undefined ? null : Number(probs[c]!.toPrecision(6))));
            await csv.write([r.path, r.label, r.split === 'unassigned' ? '' : r.split, r.classId === null ? null : (names.get(r.classId) ?? null), Number(r.confidence.toPrecision(6)), Number(r.margin.toPrecision(6)), ...p, r.hash, r.imageId]);
          }
          after = rows[rows.length - 1]!.imageId;
          progress('writing predictions', csv.rows, total);
        }
        await csv.close();
        await request.beforeCommit?.(staging);
        return csv.rows;
      } catch (error) {
        csv.abort();
        throw error;
      }
    });
    const summary: ExportSummary = { files: 1, rows: written.value, skipped: [], skippedTotal: 0, warnings: [] };
    const exportId = recordExport(db, projectDir, { kind: 'predictions', format: 'csv', runId, modelId: null, path: written.dir, status: 'done', options, summary, id: request.exportId });
    return { exportId, runId, dir: written.dir, summary };
  } catch (error) {
    if (!(error instanceof StudioError && error.code === 'cancelled')) {
      recordFailedExport(db, projectDir, { kind: 'predictions', format: 'csv', runId, modelId: null, path: path.join(target.parentDir, target.name), options, error: error instanceof Error ? error.message : String(error), id: request.exportId });
    }
    throw error;
  }
}
