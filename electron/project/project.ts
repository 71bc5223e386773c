// A project is a folder: project.sqlite (the truth), thumbs/, models/, exports/.
// Source images stay where they are and are referenced by path and content hash.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../domain/result.js';
import type { ProjectInfo } from '../domain/schemas.js';
import { listClasses } from './classes.js';
import { openDatabase, schemaVersion, type Db } from './database.js';
import { markInterruptedImports } from './dataset-catalog.js';
import { markInterruptedExports } from './exports.js';
import { countImages } from './images.js';
import { refuseDamagedDatabase, refuseForeignDatabase } from './integrity.js';
import { refuseSystemPath } from './system-paths.js';
import { STORAGE_HINTS, storageError } from '../ipc/storage-errors.js';
import { sweepUnfinishedModels } from './model-folders.js';
import { markInterruptedRuns } from './runs.js';
import { DEFAULT_SETTINGS, readMeta, updateSettings, writeMeta } from './settings.js';

export const DB_FILE = 'project.sqlite';
const SUBFOLDERS = ['thumbs', 'models', 'exports'] as const;

export interface Project {
  readonly dir: string;
  readonly db: Db;
  close(): void;
}

function ensureSubfolders(dir: string): void {
  for (const sub of SUBFOLDERS) fs.mkdirSync(path.join(dir, sub), { recursive: true });
}

function ioError(action: string, dir: string, error: unknown): StudioError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR'
        ? 'a file stands where a folder is needed'
        : code === 'EROFS'
          ? 'the disk is read-only'
          : error instanceof Error
            ? error.message
            : String(error);
  return new StudioError('io_error', `Could not ${action} ${dir}: ${reason}.`);
}

export function createProject(dir: string, name?: string): Project {
  const resolved = path.resolve(dir);
  refuseSystemPath(resolved, 'a project');
  if (fs.existsSync(path.join(resolved, DB_FILE))) {
    throw new StudioError('conflict', `${resolved} already holds a project. Open it instead.`);
  }
  if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) {
    throw new StudioError('conflict', `${resolved} is a file, not a folder.`);
  }
  let db: Db;
  try {
    fs.mkdirSync(resolved, { recursive: true });
    ensureSubfolders(resolved);
    db = openDatabase(path.join(resolved, DB_FILE));
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw ioError('create a project in', resolved, error);
  }
  writeMeta(db, 'name', name ?? path.basename(resolved));
  // Recorded, so that a project without it is known to predate the bilinear resize (settings.ts).
  updateSettings(db, { preprocessing: DEFAULT_SETTINGS.preprocessing });
  return { dir: resolved, db, close: () => db.close() };
}

export interface OpenProjectOptions {
  /** Open without writing anything (read-only commands on a read-only project). */
  readonly?: boolean;
}

export function openProject(dir: string, options: OpenProjectOptions = {}): Project {
  const resolved = path.resolve(dir);
  refuseSystemPath(resolved, 'a project');
  const file = path.join(resolved, DB_FILE);
  if (!fs.existsSync(file)) throw new StudioError('not_found', `${resolved} is not a Transfer Studio project (no ${DB_FILE}).`);
  let db: Db;
  try {
    if (options.readonly) return openReadOnly(resolved, file);
    if (!projectWritable(resolved)) {
      throw new StudioError('read_only', `The project ${resolved} is read-only (its folder or ${DB_FILE} cannot be written), and this needs to write to it. ${STORAGE_HINTS.read_only} Commands that only read (info, classes, check) still work.`);
    }
    refuseForeignDatabase(resolved, file);
    db = openDatabase(file, { beforeMigrate: (opened) => refuseDamagedDatabase(opened, resolved) });
    ensureSubfolders(resolved);
  } catch (error) {
    if (error instanceof StudioError) throw error;
    const storage = storageError(error);
    if (storage) throw new StudioError(storage.code, `Could not open the project ${resolved}: ${storage.message}`);
    throw ioError('open the project', resolved, error);
  }
  // Only jobs whose process is gone: another process may be training or importing right now.
  markInterruptedRuns(db);
  markInterruptedImports(db);
  markInterruptedExports(db);
  sweepUnfinishedModels(db, resolved);
  return { dir: resolved, db, close: () => db.close() };
}

/**
 * A project opened without writing a byte. SQLite cannot open a WAL database read-only where it
 * may not create the -shm file beside it (a read-only disk), so there a private copy of the
 * database is read instead, removed again on close.
 */
function openReadOnly(dir: string, file: string): Project {
  const open = (from: string) => {
    refuseForeignDatabase(dir, from);
    return openDatabase(from, { readonly: true, beforeMigrate: (opened) => refuseDamagedDatabase(opened, dir) });
  };
  try {
    const db = open(file);
    return { dir, db, close: () => db.close() };
  } catch (error) {
    if (!(error instanceof StudioError && /unable to open database file/.test(error.message)) && (error as { code?: string }).code !== 'SQLITE_CANTOPEN') throw error;
  }
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-readonly-'));
  const remove = () => fs.rmSync(copyDir, { recursive: true, force: true });
  try {
    const copy = path.join(copyDir, DB_FILE);
    fs.copyFileSync(file, copy);
    if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = open(copy);
    return {
      dir,
      db,
      close: () => {
        db.close();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Whether this process may write the project's database (and the folder beside it). */
export function projectWritable(dir: string): boolean {
  const resolved = path.resolve(dir);
  try {
    fs.accessSync(path.join(resolved, DB_FILE), fs.constants.W_OK);
    fs.accessSync(resolved, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function projectInfo(project: Project): ProjectInfo {
  return {
    path: project.dir,
    name: readMeta(project.db, 'name') ?? path.basename(project.dir),
    schemaVersion: schemaVersion(project.db),
    imageCount: countImages(project.db),
    classes: listClasses(project.db),
  };
}
