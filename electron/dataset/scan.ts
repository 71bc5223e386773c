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
  /** Enter folders that links lead to outside the imported folder (off: they are reported). */
  followLinksOutside?: boolean;
  /** Entries (files, folders, links) looked at before the scan stops with a report. */
  maxEntries?: number;
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

/** Entries looked at before a scan stops (a link or a mount into a whole disk must not eat memory). */
export const DEFAULT_MAX_ENTRIES = 1_000_000;

function isInside(real: string, folder: string): boolean {
  return real === folder || real.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}

export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const files: string[] = [];
  const problems: ReportedProblem[] = [];
  let ignored = 0;
  let entriesSeen = 0;
  let stopped = false;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const excluded = new Set((await Promise.all((options.exclude ?? []).map(realOrNull))).filter((p): p is string => p !== null));
  const realRoot = await fs.realpath(root);
  // Real paths of the folders entered: two links to one folder walk it once.
  const visited = new Set<string>([realRoot]);

  /** Why a folder reached through a link is not entered, or null to enter it. */
  function refusal(full: string, real: string, realParent: string): ReportedProblem | null {
    if (isInside(realParent, real)) {
      return { path: full, reason: 'symlink_loop', message: `symbolic link loop: this folder leads back to ${real}, which contains it` };
    }
    if (!options.followLinksOutside && !isInside(real, realRoot)) {
      return { path: full, reason: 'symlink_outside', message: `the link leads to ${real}, outside the imported folder: it was not followed` };
    }
    if (visited.has(real)) {
      return { path: full, reason: 'symlink_loop', message: `the link leads to ${real}, which this import already scanned: it was not scanned twice` };
    }
    return null;
  }

  // Depth first with the folder's entries read one folder at a time: what is held is the path
  // from the root down plus the files found, never a second copy of the tree.
  async function walk(dir: string, realDir: string): Promise<void> {
    if (options.signal?.aborted || stopped) return;
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
      if (options.signal?.aborted || stopped) return;
      if (++entriesSeen > maxEntries) {
        stopped = true;
        problems.push({
          path: root,
          reason: 'scan_limit',
          message: `the scan stopped after ${maxEntries.toLocaleString('en-US')} entries: the folder holds more than an import takes at once; import its subfolders one by one`,
        });
        return;
      }
      if (entry.name.startsWith('.')) {
        ignored++;
        continue;
      }
      const full = path.join(dir, entry.name);
      const viaLink = entry.isSymbolicLink();
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let other: import('node:fs').Stats | null = null;
      if (viaLink) {
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
        let real: string;
        try {
          real = viaLink ? await fs.realpath(full) : path.join(realDir, entry.name);
        } catch (error) {
          // Too long a path, or the link's target vanished meanwhile: said, never skipped silently.
          const problem = fsProblem(error);
          problems.push({ path: full, reason: problem.reason, message: problem.message });
          continue;
        }
        if (excluded.has(real)) {
          ignored++;
          continue;
        }
        const refused = viaLink ? refusal(full, real, realDir) : null;
        if (refused) {
          problems.push(refused);
          continue;
        }
        visited.add(real);
        await walk(full, real);
      } else {
        problems.push({ path: full, reason: 'unreadable', message: other ? notAFile(other) : 'not a regular file' });
      }
    }
  }

  await walk(root, realRoot);
  return { files, problems, ignored };
}
