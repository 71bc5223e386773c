// Electron main process: one window over the shared services. Kept thin on purpose: all the
// logic lives in modules that run in plain Node and are tested there.
import { app, BrowserWindow, session as electronSession } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerElectronTransport } from './ipc/electron-transport.js';
import { CONTENT_SECURITY_POLICY } from './server/static-files.js';
import { createStudio } from './services/studio.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '../renderer/index.html');
const rendererUrl = new URL(`file://${rendererIndex}`).href;

if (!app.requestSingleInstanceLock()) app.quit();

const studio = createStudio();
let window: BrowserWindow | null = null;

function createWindow(): void {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Transfer Studio',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  void window.loadFile(rendererIndex);
  window.on('closed', () => (window = null));
}

void app.whenReady().then(() => {
  electronSession.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }),
  );
  electronSession.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  registerElectronTransport({
    dispatch: studio.dispatch,
    bus: studio.bus,
    isTrustedSender: (event) => event.senderFrame?.url.startsWith('file://') === true,
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
  });
  createWindow();
});

app.on('second-instance', () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});
app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => studio.close());
