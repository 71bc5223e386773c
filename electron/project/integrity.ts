// Is project.sqlite the project's own, and sound? A 0-byte or emptied file beside thumbs/ and
// models/ is a lost database, not a new project; a file that is not SQLite, or another
// program's SQLite database, is not ours to migrate. A quick check on open catches damage
// before anything writes into it; the embedding cache (most of the file, and only a cache) is
// left to the training run, which drops and rebuilds it when damaged instead of failing.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StudioError } from '../domain/result.js';
import type { Db } from './database.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Only a cache: rebuilt from the images when damaged. */
export const CACHE_TABLES = ['embeddings'] as const;

function hasFolder(dir: string, name: string): boolean {
  try {
    return fs.statSync(path.join(dir, name)).isDirectory();
  } catch {
    return false;
  }
}

function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function refuse(dir: string, why: string, next: string): StudioError {
  return new StudioError('corrupt', `Could not open the project ${dir}: ${why} ${next}`);
}

const RESTORE = 'Nothing was changed. Restore project.sqlite from a backup, or move it away to start this folder afresh (thumbnails and models are then rebuilt or orphaned).';

/**
 * Throws a clear error when project.sqlite cannot be this project's database; returns quietly
 * for a sound one and for a brand-new empty file in a folder with no project work in it.
 */
export function refuseForeignDatabase(dir: string, file: string): void {
  const size = fs.statSync(file).size;
  const work = ['thumbs', 'models'].filter((sub) => hasFolder(dir, sub));
  const emptied = (what: string) =>
    refuse(dir, `project.sqlite is ${what}, but the folder holds ${work.join(' and ')}/ of a project: the database was emptied or replaced.`, RESTORE);
  if (size === 0) {
    if (work.length > 0) throw emptied('empty (0 bytes)');
    return;
  }
  if (!readHeader(file).equals(SQLITE_HEADER)) {
    throw refuse(dir, 'project.sqlite is not a SQLite database at all (another kind of file was saved under that name).', RESTORE);
  }
  let peek: Database.Database | null = null;
  try {
    peek = new Database(file, { readonly: true, fileMustExist: true });
    const version = peek.pragma('user_version', { simple: true }) as number;
    if (version > 0) return;
    const tables = peek.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).pluck().get() as number;
    if (tables > 0) throw refuse(dir, `project.sqlite is another program's SQLite database (${tables} tables, none of them a Transfer Studio project).`, RESTORE);
    if (work.length > 0) throw emptied('an empty database');
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw refuse(dir, `project.sqlite cannot be read as a database (${error instanceof Error ? error.message : String(error)}).`, RESTORE);
  } finally {
    peek?.close();
  }
}

function checkRows(db: Db, pragma: string): string[] {
  const rows = db.pragma(pragma) as Array<Record<string, unknown>>;
  const messages = rows.map((r) => String(Object.values(r)[0]));
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

/** Table names, cache tables last. */
function tableNames(db: Db): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
}

export interface IntegrityReport {
  ok: boolean;
  /** Tables with damage (cache tables included). */
  damaged: string[];
  /** SQLite's own words, at most a few per table. */
  problems: string[];
  /** Rows pointing at rows that are not there. */
  foreignKeyErrors: number;
}

/** A table's own check (SQLite limits quick_check/integrity_check to one table and its indexes). */
function tableProblems(db: Db, table: string, full: boolean): string[] {
  try {
    return checkRows(db, `${full ? 'integrity_check' : 'quick_check'}(${JSON.stringify(table)})`).slice(0, 5);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/**
 * Checks every table (quick: page structure; full: also that every index matches its rows,
 * plus foreign keys). `skipCaches` leaves the embedding cache out (the quick check on open).
 */
export function checkIntegrity(db: Db, options: { full?: boolean; skipCaches?: boolean } = {}): IntegrityReport {
  const report: IntegrityReport = { ok: true, damaged: [], problems: [], foreignKeyErrors: 0 };
  let tables: string[];
  try {
    tables = tableNames(db);
  } catch (error) {
    return { ok: false, damaged: ['sqlite_master'], problems: [error instanceof Error ? error.message : String(error)], foreignKeyErrors: 0 };
  }
  for (const table of tables) {
    if (options.skipCaches && (CACHE_TABLES as readonly string[]).includes(table)) continue;
    const problems = tableProblems(db, table, options.full === true);
    if (problems.length) {
      report.damaged.push(table);
      report.problems.push(...problems.map((p) => `${table}: ${p}`));
    }
  }
  if (options.full) {
    try {
      report.foreignKeyErrors = (db.pragma('foreign_key_check') as unknown[]).length;
    } catch (error) {
      report.problems.push(`foreign keys: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  report.ok = report.damaged.length === 0 && report.problems.length === 0 && report.foreignKeyErrors === 0;
  return report;
}

/** The quick check on open: damage outside the caches refuses the project before any write. */
export function refuseDamagedDatabase(db: Db, dir: string): void {
  const report = checkIntegrity(db, { skipCaches: true });
  if (report.ok) return;
  throw refuse(
    dir,
    `project.sqlite is damaged (${report.damaged.join(', ')}: ${report.problems[0]}).`,
    'Nothing was written. Restore it from a backup; `transfer-studio check PROJECT` lists every damaged part.',
  );
}

const EMBEDDINGS_DDL = `CREATE TABLE embeddings (
  backbone_id  TEXT    NOT NULL,
  spec_hash    TEXT    NOT NULL,
  image_hash   TEXT    NOT NULL,
  view         INTEGER NOT NULL CHECK (view >= 0),
  dtype        TEXT    NOT NULL CHECK (dtype IN ('float32','float16')),
  data         BLOB    NOT NULL,
  PRIMARY KEY (backbone_id, spec_hash, image_hash, view)
) WITHOUT ROWID`;

/**
 * Drops a damaged embedding cache and creates it empty (its vectors are recomputed from the
 * images). Returns whether it was damaged. When SQLite cannot even walk the damaged table to
 * drop it, the table is unlinked from the schema and VACUUM rebuilds the file without it.
 */
export function rebuildDamagedEmbeddingCache(db: Db): boolean {
  if (tableProblems(db, 'embeddings', false).length === 0) return false;
  try {
    db.exec(`BEGIN IMMEDIATE; DROP TABLE embeddings; ${EMBEDDINGS_DDL}; COMMIT;`);
  } catch {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare(`DELETE FROM sqlite_master WHERE tbl_name = 'embeddings'`).run();
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    db.exec('VACUUM');
    db.exec(EMBEDDINGS_DDL);
  }
  return true;
}
