// What must hold in a project after any kill: the file checks out, no run is left running, and
// every model the project lists is whole and loads, while nothing unfinished looks like one.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import fs from 'node:fs';
import path from 'node:path';
import { fromDisk } from '../../../electron/engine/model-files.js';
import type { Db } from '../../../electron/project/database.js';

export function storeProblems(db: Db): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const foreign = db.pragma('foreign_key_check') as unknown[];
  if (foreign.length) problems.push(`foreign_key_check: ${foreign.length} rows`);
  return problems;
}

let backendReady: Promise<boolean> | null = null;

/** Loads a saved head with tfjs (cpu backend): the proof that a listed model is complete. */
export async function loadHead(dir: string): Promise<string | null> {
  backendReady ??= tf.setBackend('cpu');
  await backendReady;
  try {
    for (const file of ['labels.json', 'preprocessing.json']) JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const model = await tfl.loadLayersModel(fromDisk(dir));
    model.dispose();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Runs: none running, every finished one's model loads, no model or model folder for the others. */
export async function runProblems(db: Db, projectDir: string): Promise<string[]> {
  const problems: string[] = [];
  const stuck = db.prepare(`SELECT id, status FROM runs WHERE status IN ('running', 'queued')`).all() as Array<{ id: number; status: string }>;
  for (const r of stuck) problems.push(`run ${r.id} is still ${r.status} after reopening`);
  const models = db.prepare('SELECT m.id, m.run_id AS runId, m.path, r.status FROM models m LEFT JOIN runs r ON r.id = m.run_id').all() as Array<{ id: number; runId: number | null; path: string; status: string | null }>;
  const listed = new Set<string>();
  for (const m of models) {
    const dir = path.resolve(projectDir, m.path);
    listed.add(dir);
    if (m.status !== 'done') problems.push(`model ${m.id} belongs to run ${m.runId} which is ${m.status ?? 'gone'}`);
    const failure = await loadHead(dir);
    if (failure) problems.push(`model ${m.id} (${m.path}) does not load: ${failure}`);
  }
  const done = db.prepare(`SELECT r.id FROM runs r WHERE r.status = 'done' AND NOT EXISTS (SELECT 1 FROM models m WHERE m.run_id = r.id)`).pluck().all() as number[];
  for (const id of done) problems.push(`run ${id} is done but has no model`);
  const modelsDir = path.join(projectDir, 'models');
  for (const entry of fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir) : []) {
    if (!listed.has(path.join(modelsDir, entry))) problems.push(`models/${entry} is on disk but is no model of the project (half-written or orphaned)`);
  }
  return problems;
}
