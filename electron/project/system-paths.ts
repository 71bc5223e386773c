// Folders of the operating system's own virtual file systems are never a project: creating one
// under /proc made Node's recursive mkdir spin at full CPU, deaf to SIGTERM. Such paths are
// refused before anything is created, by their real location (a link into /proc counts too).
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../domain/result.js';

const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
function realish(p: string): string {
  let current = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.join(current, ...rest);
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** The system folder `p` lies in, or null. */
export function systemFolderOf(p: string): string | null {
  if (process.platform === 'win32') return null;
  for (const candidate of new Set([path.resolve(p), realish(p)])) {
    for (const root of SYSTEM_ROOTS) if (candidate === root || candidate.startsWith(`${root}/`)) return root;
  }
  return null;
}

export function refuseSystemPath(p: string, what: string): void {
  const root = systemFolderOf(p);
  if (root) throw new StudioError('invalid_payload', `${path.resolve(p)} is inside ${root}, the operating system's own virtual folder: it cannot hold ${what}. Choose a folder in your home or on a data disk.`);
}
