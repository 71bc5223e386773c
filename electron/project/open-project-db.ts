// The worker's own connection to a project the main process has open. SQLite in WAL mode lets
// both write; busy_timeout (set by openDatabase) serialises them.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../domain/result.js';
import { openDatabase, type Db } from './database.js';
import { DB_FILE } from './project.js';

export function withProjectDb<T>(projectDir: string, work: (db: Db) => Promise<T>): Promise<T> {
  const file = path.join(projectDir, DB_FILE);
  if (!fs.existsSync(file)) throw new StudioError('not_found', `There is no project database at ${file}.`);
  const db = openDatabase(file);
  // The engine writes what it can compute again (embeddings, predictions) and run records whose
  // loss to a power cut reads as an interrupted run. In WAL mode a kill loses no commit either
  // way; NORMAL only skips the fsync per commit, which the main thread's label writes (FULL)
  // would otherwise queue behind on a busy disk. The next FULL commit makes these durable too.
  db.pragma('synchronous = NORMAL');
  return work(db).finally(() => db.close());
}
