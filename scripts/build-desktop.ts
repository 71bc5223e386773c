// Builds what the desktop app runs: the renderer (dist/renderer) and the Electron side
// (dist/electron: main.js, engine-worker.js, cli.js, preload.cjs). Shared by `npm start`, the
// Forge development loop (its generateAssets hook) and `npm run dist`.
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');

type LogLevel = 'info' | 'warn' | 'error' | 'silent';

export async function buildRenderer(logLevel: LogLevel = 'warn'): Promise<void> {
  await build({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel });
}

export async function buildElectron(logLevel: LogLevel = 'warn'): Promise<void> {
  // main first: it empties dist/electron; the preload pass adds preload.cjs beside it.
  for (const mode of ['main', 'preload']) await build({ configFile: path.join(root, 'electron/vite.config.ts'), mode, logLevel });
}

export async function buildDesktop(options: { logLevel?: LogLevel } = {}): Promise<void> {
  await buildRenderer(options.logLevel);
  await buildElectron(options.logLevel);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await buildDesktop({ logLevel: 'info' });
}
