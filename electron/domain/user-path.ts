// Paths as people type them: absolute, `~` / `~/photos`, or relative to the home folder
// (`Pictures/cats`). The contract turns every one into an absolute path at the boundary, so the
// handlers only ever see absolute paths. This module is also bundled into the renderer (the
// schemas are), so it uses no Node module: the home folder comes from the environment the same
// way os.homedir() finds it (HOME, then USERPROFILE on Windows), read only when parsing on the
// main side.

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || WINDOWS_ABSOLUTE.test(p) || p.startsWith('\\\\');
}

/** The home folder of the process that parses, or null where there is none (a browser). */
export function homeFolder(): string | null {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const home = env?.HOME || env?.USERPROFILE;
  return home && isAbsolutePath(home) ? home : null;
}

/** Drops `.` and empty segments and applies `..` (never above the root) in a POSIX path. */
function normalizePosix(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export type UserPathResult = { ok: true; path: string } | { ok: false; message: string };

/**
 * The absolute path a typed path means. Messages are for the person who typed it, e.g. in a
 * path field: "Type a folder path, such as ~/Pictures/cats".
 */
export function resolveUserPath(typed: string, home: string | null = homeFolder()): UserPathResult {
  const p = typed.trim();
  if (p === '') return { ok: false, message: 'Type a path, such as ~/Pictures/cats.' };
  if (p.includes('\0')) return { ok: false, message: 'The path contains an invalid character.' };
  if (isAbsolutePath(p)) return { ok: true, path: p.startsWith('/') ? normalizePosix(p) : p };
  if (home === null) return { ok: false, message: `"${p}" is not a full path; type one that starts with / or ~.` };
  const rest = p === '~' ? '' : p.startsWith('~/') || p.startsWith('~\\') ? p.slice(2) : p;
  if (rest.startsWith('~')) return { ok: false, message: `"${p}": only your own home folder (~) can be named this way; type the full path.` };
  if (home.startsWith('/')) return { ok: true, path: normalizePosix(`${home}/${rest}`) };
  return { ok: true, path: rest ? `${home.replace(/[\\/]+$/, '')}\\${rest.replace(/\//g, '\\')}` : home };
}
