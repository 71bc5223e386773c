// `npm start`: the desktop window when the Electron binary is installed, otherwise the same UI
// in a browser (serve mode). Machines without internet cannot download the binary at install.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDesktop, buildRenderer } from '../scripts/build-desktop.js';
import { ensureForElectron } from '../scripts/native-modules.js';
import { runServeMode } from './server/serve-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary) {
  await buildDesktop();
  // better-sqlite3 must be built for Electron's ABI to load in the window (`npm run
  // rebuild:node` switches it back for the CLI and the tests).
  ensureForElectron(binary);
  const child = spawn(binary, [path.join(root, 'dist/electron/main.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('The Electron binary is not installed (offline install), so the studio opens in your browser instead.');
  console.log('On a connected machine, `node node_modules/electron/install.js` fetches it for the desktop window.');
  await buildRenderer();
  await runServeMode();
}
