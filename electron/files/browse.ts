// The folder/file browser behind serve mode's path pickers (the window has native dialogs):
// one folder's sub-folders and, when asked, its supported images or CSV files, nothing else.
// Hidden entries are left out as a file manager does; a folder that cannot be listed is a
// plain-worded error, never a crash.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fsProblem } from '../dataset/problems.js';
import { IMAGE_EXTENSIONS } from '../dataset/sniff.js';
import { StudioError } from '../domain/result.js';
import type { BrowseListing, BrowseShow } from './browse-schemas.js';

/** More entries than anyone scrolls through in a picker; the listing says it was cut. */
export const BROWSE_ENTRY_CAP = 5000;

function shown(name: string, show: BrowseShow): boolean {
  const ext = path.extname(name).toLowerCase();
  if (show === 'images') return IMAGE_EXTENSIONS.has(ext);
  if (show === 'csv') return ext === '.csv';
  if (show === 'keras') return ext === '.keras';
  return false;
}

async function isFolder(full: string, dirent: import('node:fs').Dirent): Promise<boolean | null> {
  if (dirent.isDirectory()) return true;
  if (!dirent.isSymbolicLink()) return dirent.isFile() ? false : null;
  const target = await fs.stat(full).catch(() => null);
  return target ? target.isDirectory() || (target.isFile() ? false : null) : null;
}

export async function browseFolder(requested: string | undefined, show: BrowseShow, home = os.homedir()): Promise<BrowseListing> {
  const dir = path.resolve(requested ?? home);
  let dirents: import('node:fs').Dirent[];
  try {
    dirents = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const problem = fsProblem(error);
    const code = problem.reason === 'not_found' ? 'not_found' : 'io_error';
    throw new StudioError(code, problem.reason === 'not_found' ? `There is no folder ${dir}.` : `${dir} cannot be opened: ${problem.message}.`);
  }
  const entries: BrowseListing['entries'] = [];
  for (const dirent of dirents) {
    if (dirent.name.startsWith('.')) continue;
    const full = path.join(dir, dirent.name);
    const folder = await isFolder(full, dirent);
    if (folder === null) continue;
    if (folder) entries.push({ name: dirent.name, path: full, kind: 'folder' });
    else if (shown(dirent.name, show)) entries.push({ name: dirent.name, path: full, kind: 'file' });
  }
  // Folders first, then files, each in the order people expect (case-insensitive, numbers by value).
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  entries.sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'folder' ? -1 : 1));
  const parent = path.dirname(dir);
  return {
    path: dir,
    parent: parent === dir ? null : parent,
    home,
    entries: entries.slice(0, BROWSE_ENTRY_CAP),
    truncated: entries.length > BROWSE_ENTRY_CAP,
  };
}
