// Finding the files below a folder. Hidden entries are skipped on purpose; links are followed
// with care: a broken link, a link loop or a folder that cannot be listed is reported and the
// walk goes on. The project's own folder is never walked (its thumbnails are not a dataset).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsProblem, type ReportedProblem } from './problems.js';

export interface ScanResult {
  /** Regular files (or links to them), sorted so that every run sees the same order. */
  files: string[];
  problems: ReportedProblem[];
  /** Hidden files and folders skipped. */
  ignored: number;
}

export interface ScanOptions {
  /** Folders never entered (their real paths are compared). */
  exclude?: readonly string[];
  signal?: AbortSignal;
}

const KIND_NAMES: Array<[keyof import('node:fs').Stats, string]> = [
  ['isFIFO', 'a named pipe (FIFO)'],
  ['isSocket', 'a socket'],
  ['isCharacterDevice', 'a character device'],
  ['isBlockDevice', 'a block device'],
];

/** The report message for something that is neither a file nor a folder. */
export function notAFile(stats: import('node:fs').Stats): ReportedProblem['message'] {
  for (const [method, name] of KIND_NAMES) if ((stats[method] as () => boolean).call(stats)) return `not a regular file but ${name}: it cannot be read as an image`;
  return 'not a regular file: it cannot be read as an image';
}

async function realOrNull(p: string): Promise<string | null> {
  try {
    return await fs.realpath(p);
  } catch {
    return null;
  }
}

/** Classifies what a symbolic link leads to; a problem when it leads nowhere. */
export async function followLink(p: string): Promise<{ stats: import('node:fs').Stats } | { problem: ReportedProblem }> {
  try {
    return { stats: await fs.stat(p) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const target = await fs.readlink(p).catch(() => '?');
      return { problem: { path: p, reason: 'broken_symlink', message: `broken symbolic link: its target ${target} does not exist` } };
    }
    const problem = fsProblem(error);
    return { problem: { path: p, reason: problem.reason, message: problem.message } };
  }
}

export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const files: string[] = [];
  const problems: ReportedProblem[] = [];
  let ignored = 0;
  const excluded = new Set((await Promise.all((options.exclude ?? []).map(realOrNull))).filter((p): p is string => p !== null));

  async function walk(dir: string, ancestors: ReadonlySet<string>): Promise<void> {
    if (options.signal?.aborted) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      const problem = fsProblem(error);
      problems.push({ path: dir, reason: problem.reason, message: `the folder cannot be listed: ${problem.message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        ignored++;
        continue;
      }
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let other: import('node:fs').Stats | null = null;
      if (entry.isSymbolicLink()) {
        const target = await followLink(full);
        if ('problem' in target) {
          problems.push(target.problem);
          continue;
        }
        isDir = target.stats.isDirectory();
        isFile = target.stats.isFile();
        if (!isDir && !isFile) other = target.stats;
      } else if (!isDir && !isFile) {
        other = await fs.lstat(full).catch(() => null);
      }
      if (isFile) {
        files.push(full);
      } else if (isDir) {
        const real = await realOrNull(full);
        if (real === null) continue;
        if (excluded.has(real)) {
          ignored++;
          continue;
        }
        if (ancestors.has(real)) {
          problems.push({ path: full, reason: 'symlink_loop', message: `symbolic link loop: this folder leads back to ${real}, which contains it` });
          continue;
        }
        await walk(full, new Set([...ancestors, real]));
      } else {
        problems.push({ path: full, reason: 'unreadable', message: other ? notAFile(other) : 'not a regular file' });
      }
    }
  }

  const realRoot = await fs.realpath(root);
  await walk(root, new Set([realRoot]));
  return { files, problems, ignored };
}
