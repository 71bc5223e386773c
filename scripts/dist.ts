// `npm run dist [-- --linux|--win|--mac ...]`: builds the app and its installers with
// electron-builder (electron-builder.config.ts) into release/. electron-builder rebuilds
// better-sqlite3 for Electron in node_modules; it is rebuilt for Node afterwards, so tests and
// the CLI keep working. Needs the network the first time (the Electron zip, Electron headers).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildDesktop } from './build-desktop.js';
import { ensureForNode } from './native-modules.js';

const root = path.resolve(import.meta.dirname, '..');

await buildDesktop({ logLevel: 'warn' });
let status: number | null = 1;
try {
  const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
  status = spawnSync(process.execPath, [cli, '--config', 'electron-builder.config.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }).status;
} finally {
  ensureForNode();
}
process.exitCode = status ?? 1;
