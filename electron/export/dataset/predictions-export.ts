// A run's predictions as CSV, for every image it predicted or for a filtered set (a split, a
// label, a predicted class, unlabeled images, disagreements, low confidence): one row per image
// with its file, current label, split, the predicted class, confidence, margin and every class
// probability in the run's class order.
import path from 'node:path';
import { StudioError } from '../../domain/result.js';
import type { ExportSummary, PredictionFilter } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { recordExport, recordFailedExport } from '../../project/exports.js';
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

interface PredictionDbRow {
  imageId: number;
  hash: string;
  split: string;
  path: string | null;
  label: string | null;
  classId: number | null;
  confidence: number;
  margin: number;
  probs: Buffer;
}

function where(filter: PredictionFilter): { sql: string; params: unknown[] } {
  const parts: string[] = ['p.run_id = ?'];
  const params: unknown[] = [];
  if (filter.split !== undefined) {
    parts.push('i.split = ?');
    params.push(filter.split);
  }
  if (filter.labelClassId !== undefined) {
    parts.push('l.class_id = ?');
    params.push(filter.labelClassId);
  }
  if (filter.predictedClassId !== undefined) {
    parts.push('p.class_id = ?');
    params.push(filter.predictedClassId);
  }
  if (filter.unlabeled) parts.push('l.image_id IS NULL');
  if (filter.disagreements) parts.push('l.image_id IS NOT NULL AND l.class_id IS NOT p.class_id');
  if (filter.maxConfidence !== undefined) {
    parts.push('p.confidence <= ?');
    params.push(filter.maxConfidence);
  }
  return { sql: parts.join(' AND '), params };
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
  const clause = where(filter);
  const args = [runId, ...clause.params];
  const from = `FROM predictions p JOIN images i ON i.id = p.image_id LEFT JOIN labels l ON l.image_id = p.image_id LEFT JOIN classes c ON c.id = l.class_id WHERE ${clause.sql}`;
  const total = db.prepare(`SELECT count(*) ${from}`).pluck().get(...args) as number;

  try {
    const written = await writeExportFolder(target, async (staging) => {
      const header = ['path', 'label', 'split', 'predicted', 'confidence', 'margin', ...config.classNames.map((n) => `p_${n}`), 'hash', 'image_id'];
      const csv = new CsvFileWriter(path.join(staging, PREDICTIONS_CSV), header);
      try {
        // Paged rather than iterated: an open iterator would keep the connection busy across
        // the awaits, and the UI uses the same connection meanwhile.
        const page = db.prepare(
          `SELECT p.image_id AS imageId, i.hash, i.split, c.name AS label, p.class_id AS classId, p.confidence, p.margin, p.probs,
                  (SELECT q.path FROM image_paths q WHERE q.image_id = i.id ORDER BY q.present DESC, q.id LIMIT 1) AS path
           ${from} AND p.image_id > ? ORDER BY p.image_id LIMIT ${ROWS_PER_STEP}`,
        );
        for (let after = 0; ; ) {
          checkpoint();
          const rows = page.all(...args, after) as PredictionDbRow[];
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
