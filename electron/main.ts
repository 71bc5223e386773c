// Electron main process. The only file (with preload.ts) that imports Electron at run time: it
// hands the module to the desktop wiring in shell/desktop.ts, which runs and is tested in Node.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourcePath } from './resources-dir.js';
import { startDesktop } from './shell/desktop.js';

// Built layout: dist/electron/main.js beside preload.cjs, with the renderer in dist/renderer.
const here = path.dirname(fileURLToPath(import.meta.url));

startDesktop(
  { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session },
  {
    rendererDir: path.join(here, '../renderer'),
    preload: path.join(here, 'preload.cjs'),
    icon: resourcePath('icons', '512x512.png'),
    argv: process.argv,
    cwd: process.cwd(),
  },
);
