// Every export is written into a hidden staging folder beside its destination and appears under
// its name only by one rename once complete (and, for models, checked). A failure or a kill
// leaves no visible folder; an export never replaces an earlier one: an explicit name that is
// taken is an error, a default name gets a numeric suffix.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../domain/result.js';
import { processAlive } from '../jobs/process-alive.js';

const PARTIAL = '.partial-';

export interface ExportTarget {
  /** The folder the export goes into; default `<project>/exports`. */
  parentDir?: string | undefined;
  /** The export's folder name; when given, an existing folder of that name is an error. */
  name?: string | undefined;
}

export interface ResolvedTarget {
  parentDir: string;
  name: string;
  explicit: boolean;
}

export function resolveTarget(projectDir: string, target: ExportTarget | undefined, defaultName: string): ResolvedTarget {
  return {
    parentDir: path.resolve(target?.parentDir ?? path.join(projectDir, 'exports')),
    name: target?.name ?? defaultName,
    explicit: target?.name !== undefined,
  };
}

/** `run-3-onnx-20261128-171205`: sortable, and readable in a file manager. */
export function timestampedName(prefix: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}-${stamp}`;
}

/** Why a write failed, in the user's words. */
export function writeFailure(what: string, error: unknown): StudioError {
  if (error instanceof StudioError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reason =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EROFS'
        ? 'the disk is read-only'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOTDIR'
            ? 'a file stands where a folder is needed'
            : code === 'ENAMETOOLONG'
              ? 'a file name is too long for this disk'
              : error instanceof Error
                ? error.message
                : String(error);
  return new StudioError('io_error', `Could not write ${what}: ${reason}. Nothing was left behind.`);
}

/** Staging folders left by a killed export (their process is gone) are removed. */
export function sweepStalePartials(parentDir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(parentDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(PARTIAL)) continue;
    const pid = Number(name.slice(PARTIAL.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
      fs.rmSync(path.join(parentDir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

function taken(parentDir: string, name: string): boolean {
  return fs.existsSync(path.join(parentDir, name));
}

function finalName(target: ResolvedTarget): string {
  if (target.explicit) {
    if (taken(target.parentDir, target.name)) {
      throw new StudioError('conflict', `${path.join(target.parentDir, target.name)} already exists; choose another name (an export never replaces an earlier one).`);
    }
    return target.name;
  }
  let name = target.name;
  for (let n = 2; taken(target.parentDir, name); n++) name = `${target.name}-${n}`;
  return name;
}

export interface WrittenFolder<T> {
  dir: string;
  value: T;
}

/**
 * Runs `work` on an empty staging folder, then moves it into place. The name is settled only at
 * the end, so a long export cannot collide with one that finished meanwhile.
 */
export async function writeExportFolder<T>(target: ResolvedTarget, work: (staging: string) => Promise<T>): Promise<WrittenFolder<T>> {
  const where = path.join(target.parentDir, target.name);
  // Fail before the work, not after minutes of it; checked again at the rename.
  if (target.explicit) finalName(target);
  let staging: string;
  try {
    fs.mkdirSync(target.parentDir, { recursive: true });
    sweepStalePartials(target.parentDir);
    staging = path.join(target.parentDir, `${PARTIAL}${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(staging);
  } catch (error) {
    throw writeFailure(where, error);
  }
  try {
    const value = await work(staging);
    const dir = path.join(target.parentDir, finalName(target));
    fs.renameSync(staging, dir);
    return { dir, value };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    // File-system failures are explained; anything else (a conversion, a failed check) is
    // already specific and passes through as it is.
    throw typeof (error as NodeJS.ErrnoException | null)?.code === 'string' ? writeFailure(where, error) : error;
  }
}

/** Total size of the files under `dir`. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}
