// The bundle's dataset: every labeled image of the run's classes copied into images/<class>/
// (content-hash named, verified while copying) and dataset.csv listing path (relative to the
// bundle), label, split and hash, the columns of the studio's dataset export.
import path from 'node:path';
import fs from 'node:fs';
import type { Db } from '../../project/database.js';
import { labeledImagePaths } from '../../project/images.js';
import { copyHashed } from '../dataset/copy-verified.js';
import { DATASET_CSV, DATASET_CSV_HEADER } from '../dataset/dataset-export.js';
import { csvRow } from '../dataset/csv-write.js';
import { portableName } from '../dataset/names.js';

interface Row {
  hash: string;
  split: string;
  label: string;
  path: string;
}

export interface BundleDataset {
  files: string[];
  rows: number;
  skipped: number;
}

export async function writeBundleDataset(db: Db, staging: string, classNames: string[], checkpoint: () => void = () => undefined): Promise<BundleDataset> {
  const rows: Row[] = labeledImagePaths(db).filter((r) => classNames.includes(r.label));
  const lines = [csvRow([...DATASET_CSV_HEADER])];
  let skipped = 0;
  const folders = new Map(classNames.map((c) => [c, portableName(c, `class_${classNames.indexOf(c)}`)]));
  for (const row of rows) {
    checkpoint();
    const relative = path.posix.join('images', folders.get(row.label)!, `${row.hash.slice(0, 16)}${path.extname(row.path).toLowerCase()}`);
    const to = path.join(staging, relative);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (fs.existsSync(to)) continue;
    const hash = await copyHashed(row.path, to).catch(() => null);
    if (hash !== row.hash) {
      fs.rmSync(to, { force: true });
      skipped++;
      continue;
    }
    lines.push(csvRow([relative, row.label, row.split, row.hash]));
  }
  fs.writeFileSync(path.join(staging, DATASET_CSV), lines.join(""));
  return { files: [DATASET_CSV, 'images/'], rows: lines.length - 1, skipped };
}
