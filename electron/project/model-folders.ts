// What a killed training leaves in models/: a temporary folder of a head being saved, or a
// run-N folder renamed into place just before the kill, with no model row (the run is then
// interrupted). Neither is a model of the project; opening the project removes them, so no
// folder there can be taken for one.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './database.js';
import { isAbandonedPartial } from './partial-folders.js';

const RUN_FOLDER = /^run-(\d+)$/;

export function sweepUnfinishedModels(db: Db, projectDir: string): string[] {
  const modelsDir = path.join(projectDir, 'models');
  let entries: string[];
  try {
    entries = fs.readdirSync(modelsDir);
  } catch {
    return [];
  }
  const listed = new Set((db.prepare('SELECT path FROM models').pluck().all() as string[]).map((p) => path.resolve(projectDir, p)));
  const live = db.prepare(`SELECT 1 FROM runs WHERE id = ? AND status IN ('running', 'queued')`).pluck();
  const removed: string[] = [];
  for (const entry of entries) {
    const full = path.join(modelsDir, entry);
    const run = RUN_FOLDER.exec(entry);
    const orphanRun = run !== null && !listed.has(full) && live.get(Number(run[1])) === undefined;
    if (!orphanRun && !isAbandonedPartial(full)) continue;
    fs.rmSync(full, { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}
