// better-sqlite3 is the one native module built against a runtime's ABI (the others use
// N-API): Node (tests, CLI, serve mode) and Electron (the window) each need their own build.
// These helpers check which one loads and rebuild when it does not.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const PROBE = "new (require('better-sqlite3'))(':memory:').close()";

/** True when better-sqlite3 loads in this runtime (Node, or Electron run as Node). */
export function loadsIn(runtime: { executable: string; env?: NodeJS.ProcessEnv }): boolean {
  const result = spawnSync(runtime.executable, ['-e', PROBE], { cwd: root, env: { ...process.env, ...runtime.env }, stdio: 'ignore' });
  return result.status === 0;
}

function run(executable: string, args: string[]): void {
  // npm is a .cmd script on Windows, which only a shell starts.
  const result = spawnSync(executable, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && executable === 'npm' });
  if (result.status !== 0) throw new Error(`${path.basename(executable)} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
}

/** Rebuilds native modules for the installed Electron when the current build does not load there. */
export function ensureForElectron(electronBinary: string): void {
  if (loadsIn({ executable: electronBinary, env: { ELECTRON_RUN_AS_NODE: '1' } })) return;
  console.log('Rebuilding native modules for Electron (electron-builder install-app-deps)…');
  run(process.execPath, [createRequire(import.meta.url).resolve('electron-builder/install-app-deps.js')]);
}

/** Rebuilds better-sqlite3 for this Node when it was last built for Electron. */
export function ensureForNode(): void {
  if (loadsIn({ executable: process.execPath })) return;
  console.log('Rebuilding better-sqlite3 for Node (it was built for Electron)…');
  // Under `npm run`, npm_execpath is the npm that runs us.
  const npm = process.env.npm_execpath;
  if (npm) run(process.execPath, [npm, 'rebuild', 'better-sqlite3']);
  else run('npm', ['rebuild', 'better-sqlite3']);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  ensureForNode();
}
