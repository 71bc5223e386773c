// A project is a folder: project.sqlite (the truth), thumbs/, models/, exports/.
// Source images stay where they are and are referenced by path and content hash.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../ipc/result.js';
import type { ProjectInfo } from '../ipc/schemas.js';
import { listClasses } from './classes.js';
import { openDatabase, schemaVersion, type Db } from './database.js';
import { countImages } from './images.js';
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

export function openProject(dir: string): Project {
  const resolved = path.resolve(dir);
  const file = path.join(resolved, DB_FILE);
  if (!fs.existsSync(file)) throw new StudioError('not_found', `${resolved} is not a Transfer Studio project (no ${DB_FILE}).`);
  let db: Db;
  try {
    db = openDatabase(file);
    ensureSubfolders(resolved);
  } catch (error) {
    if (error instanceof StudioError) throw error;
    throw ioError('open the project', resolved, error);
  }
  markInterruptedRuns(db);
  sweepUnfinishedModels(db, resolved);
  return { dir: resolved, db, close: () => db.close() };
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
