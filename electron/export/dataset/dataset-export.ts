// The dataset itself, out of the studio: image files copied into class/ or split/class/ folders
// with a dataset.csv (path, label, split, hash) beside them, or only the CSV, pointing at the
// files where they are. Names are made portable and distinct; files that are missing, corrupt
// or changed since import are left out and listed with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { storedMtime } from '../../project/dataset-catalog.js';
import { StudioError } from '../../domain/result.js';
import { DatasetLayout, Split, type ExportSummary } from '../../domain/schemas.js';
import type { Db } from '../../project/database.js';
import { recordExport, recordFailedExport } from '../../project/exports.js';
import { datasetImageRows, type DatasetImageRow } from '../../project/images.js';
import { resolveTarget, timestampedName, writeExportFolder, type ExportTarget } from '../folder.js';
import { copyHashed } from './copy-verified.js';
import { CsvFileWriter } from './csv-write.js';
import { NameAllocator, portableName } from './names.js';

export const DATASET_CSV = 'dataset.csv';
export const DATASET_CSV_HEADER = ['path', 'label', 'split', 'hash'] as const;
const UNLABELED_FOLDER = 'unlabeled';
const COPIES_IN_FLIGHT = 4;
const SKIPPED_LISTED = 200;

export interface DatasetExportRequest {
  db: Db;
  projectDir: string;
  layout: DatasetLayout;
  /** Default: every split. */
  splits?: Split[] | undefined;
  /** Unlabeled images too (in an "unlabeled" folder; an empty label in the CSV). */
  includeUnlabeled?: boolean | undefined;
  target?: ExportTarget | undefined;
  onProgress?: (phase: string, done: number, total: number) => void;
  checkpoint?: () => void;
  beforeCommit?: (staging: string) => void | Promise<void>;
  /** The export's row begun 'running' by the channel that started it: settled, not added. */
  exportId?: number | undefined;
}

export interface DatasetExportResult {
  exportId: number;
  dir: string;
  summary: ExportSummary;
}

type DatasetRow = DatasetImageRow;

function datasetRows(db: Db, splits: readonly Split[], includeUnlabeled: boolean): DatasetRow[] {
  return datasetImageRows(db).filter((r) => splits.includes(r.split) && (includeUnlabeled || r.label !== null));
}

type Outcome = { row: DatasetRow; kind: 'skip'; reason: string } | { row: DatasetRow; kind: 'ok'; relative: string | null };

/**
 * The most bytes a file of this picture can sensibly hold: 16-bit RGBA without any compression
 * plus room for metadata. A 46 KB JPEG padded to 5 GB passes decoding (the decoder stops at its
 * end marker) but must not be copied whole into an export.
 */
export function plausibleImageBytes(width: number, height: number): number {
  return width * height * 8 + 8 * 1024 * 1024;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** Why a file is not copied before a byte of it is read, or null. */
function refuseBeforeCopy(row: DatasetRow): string | null {
  if (row.width && row.height && row.byteSize > plausibleImageBytes(row.width, row.height)) {
    return `the file is ${megabytes(row.byteSize)}, far more than its ${row.width}×${row.height} picture needs: it carries trailing data and was not copied`;
  }
  const stat = fs.statSync(row.path!, { throwIfNoEntry: false });
  if (stat && stat.size !== row.byteSize) return 'the file changed since it was imported (import it again to refresh its label and hash)';
  return null;
}

/** Copies one image into the export, or says why it cannot be part of it. */
async function copyOne(staging: string, row: DatasetRow, relative: string): Promise<Outcome> {
  const to = path.join(staging, relative);
  const refused = refuseBeforeCopy(row);
  if (refused) return { row, kind: 'skip', reason: refused };
  try {
    const hash = await copyHashed(row.path!, to);
    if (hash === row.hash) return { row, kind: 'ok', relative };
    fs.rmSync(to, { force: true });
    return { row, kind: 'skip', reason: 'the file changed since it was imported (import it again to refresh its label and hash)' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The source is unreadable: that image is left out. A failing write is the export's failure.
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      fs.rmSync(to, { force: true });
      return { row, kind: 'skip', reason: `the file cannot be read (${code})` };
    }
    throw error;
  }
}

/**
 * A CSV-only export does not read the files; it checks them as an import does (size and
 * modification time), so the CSV never lists a vanished file or a stale hash.
 */
function unchangedOnDisk(row: DatasetRow): Outcome {
  const stat = fs.statSync(row.path!, { throwIfNoEntry: false });
  if (!stat?.isFile()) return { row, kind: 'skip', reason: 'the file is no longer on disk' };
  if (stat.size !== row.byteSize || (row.mtimeMs !== null && storedMtime(stat.mtimeMs) !== row.mtimeMs)) {
    return { row, kind: 'skip', reason: 'the file changed since it was imported (import it again to refresh its label and hash)' };
  }
  return { row, kind: 'ok', relative: null };
}

/** The CSV's split column: empty for unassigned, so the file imports back as it is. */
const csvSplit = (split: Split) => (split === 'unassigned' ? '' : split);

export async function exportDataset(request: DatasetExportRequest): Promise<DatasetExportResult> {
  const { db, projectDir, layout } = request;
  const splits = request.splits ?? Split.options;
  const includeUnlabeled = request.includeUnlabeled ?? false;
  const progress = request.onProgress ?? (() => undefined);
  const checkpoint = request.checkpoint ?? (() => undefined);
  const target = resolveTarget(projectDir, request.target, timestampedName(`dataset-${layout}`));
  const options = { layout, splits: [...splits], includeUnlabeled };
  const rows = datasetRows(db, splits, includeUnlabeled);
  const skipped: ExportSummary['skipped'] = [];
  let skippedTotal = 0;
  const skip = (imageId: number, reason: string) => {
    skippedTotal++;
    if (skipped.length < SKIPPED_LISTED) skipped.push({ imageId, reason });
  };

  try {
    const written = await writeExportFolder(target, async (staging) => {
      const csv = new CsvFileWriter(path.join(staging, DATASET_CSV), DATASET_CSV_HEADER);
      try {
        const names = new NameAllocator();
        const folders = new Map<string, string>();
        const folderOf = (row: DatasetRow): string => {
          const key = `${layout === 'split-class' ? row.split : ''}\u0000${row.label ?? ''}`;
          let folder = folders.get(key);
          if (folder === undefined) {
            const classFolder = row.label === null ? UNLABELED_FOLDER : portableName(row.label, 'class');
            const parent = layout === 'split-class' ? row.split : '';
            folder = path.join(parent, names.allocate(parent, classFolder));
            folders.set(key, folder);
            fs.mkdirSync(path.join(staging, folder), { recursive: true });
          }
          return folder;
        };
        let done = 0;
        let files = 0;
        for (let start = 0; start < rows.length; start += COPIES_IN_FLIGHT) {
          checkpoint();
          const batch = rows.slice(start, start + COPIES_IN_FLIGHT);
          // Names are settled in order first, so the result does not depend on copy timing.
          const planned = batch.map((row): Outcome => {
            if (row.status === 'corrupt') return { row, kind: 'skip', reason: 'the file could not be decoded when it was imported' };
            if (row.path === null) return { row, kind: 'skip', reason: 'no file of this image is present on disk' };
            if (layout === 'csv') return unchangedOnDisk(row);
            const folder = folderOf(row);
            const file = names.allocate(folder, portableName(path.basename(row.path), `image${path.extname(row.path)}`), row.hash.slice(0, 8));
            return { row, kind: 'ok', relative: path.join(folder, file) };
          });
          const outcomes = await Promise.all(planned.map((p) => (p.kind === 'ok' && p.relative !== null ? copyOne(staging, p.row, p.relative) : p)));
          for (const o of outcomes) {
            if (o.kind === 'skip') {
              skip(o.row.imageId, o.reason);
              continue;
            }
            const where = o.relative === null ? o.row.path! : o.relative.split(path.sep).join('/');
            await csv.write([where, o.row.label, csvSplit(o.row.split), o.row.hash]);
            if (o.relative !== null) files++;
          }
          done += batch.length;
          progress(layout === 'csv' ? 'writing CSV' : 'copying images', done, rows.length);
        }
        await csv.close();
        await request.beforeCommit?.(staging);
        return { files: files + 1, rows: csv.rows };
      } catch (error) {
        csv.abort();
        throw error;
      }
    });
    const summary: ExportSummary = { files: written.value.files, rows: written.value.rows, skipped, skippedTotal, warnings: [] };
    const exportId = recordExport(db, projectDir, { kind: 'dataset', format: layout, runId: null, modelId: null, path: written.dir, status: 'done', options, summary, id: request.exportId });
    return { exportId, dir: written.dir, summary };
  } catch (error) {
    if (error instanceof StudioError && error.code === 'cancelled') throw error;
    recordFailedExport(db, projectDir, {
      kind: 'dataset',
      format: layout,
      runId: null,
      modelId: null,
      path: path.join(target.parentDir, target.name),
      options,
      error: error instanceof Error ? error.message : String(error),
      id: request.exportId,
    });
    throw error;
  }
}
