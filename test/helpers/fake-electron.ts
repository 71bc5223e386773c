// A small stand-in for the Electron module: enough of app, BrowserWindow, Menu, dialog,
// protocol, session, screen, ipcMain, contextBridge and ipcRenderer for the desktop wiring,
// main.ts and preload.ts to run in plain Node. It records what they asked of Electron.
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';

export interface Preventable {
  prevented: boolean;
  preventDefault(): void;
}

export function preventable<T extends object>(fields: T = {} as T): T & Preventable {
  return {
    ...fields,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  sent: unknown[][] = [];
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export function createFakeElectron(options: { userData: string; lock?: boolean; messageBoxResponse?: number; openPaths?: string[]; savePath?: string }) {
  const windows: FakeBrowserWindow[] = [];
  const log: string[] = [];

  class FakeBrowserWindow extends EventEmitter {
    static getAllWindows = () => windows.filter((w) => !w.destroyed);
    static getFocusedWindow = () => windows.find((w) => !w.destroyed) ?? null;
    webContents = new FakeWebContents();
    loaded: string[] = [];
    destroyed = false;
    maximized = false;
    fullScreen = false;
    shown = false;
    minimized = false;
    focused = 0;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
      app.emit('web-contents-created', preventable(), this.webContents);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      setImmediate(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    maximize() {
      this.maximized = true;
    }
    setFullScreen(value: boolean) {
      this.fullScreen = value;
    }
    isMaximized() {
      return this.maximized;
    }
    isFullScreen() {
      return this.fullScreen;
    }
    isMinimized() {
      return this.minimized;
    }
    restore() {
      this.minimized = false;
    }
    focus() {
      this.focused++;
    }
    isDestroyed() {
      return this.destroyed;
    }
    getNormalBounds() {
      return { x: (this.options.x as number) ?? 100, y: (this.options.y as number) ?? 100, width: this.options.width as number, height: this.options.height as number };
    }
    /** What Electron does when the user closes the window. */
    close() {
      const event = preventable();
      this.emit('close', event);
      if (event.prevented) return false;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
      if (FakeBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
      return true;
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    exited: false,
    quitCalls: 0,
    requestSingleInstanceLock: () => options.lock ?? true,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return options.userData;
    },
    getName: () => 'Transfer Studio',
    /** As Electron: before-quit (preventable), then the windows close, then the app exits. */
    quit() {
      app.quitCalls++;
      const event = preventable();
      app.emit('before-quit', event);
      if (event.prevented) return;
      for (const window of FakeBrowserWindow.getAllWindows()) if (!window.close()) return;
      app.exited = true;
      log.push('exit');
    },
  });

  const menus: MenuItemConstructorOptions[][] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  const privileged: unknown[] = [];
  const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const sessionHandlers: Record<string, unknown> = {};
  const dialogCalls: Array<{ kind: string; options: Record<string, unknown> }> = [];
  const errorBoxes: Array<[string, string]> = [];
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, (...args: unknown[]) => void>();
  const rendererInvokes: unknown[][] = [];

  const lastArg = (args: unknown[]) => args.at(-1) as Record<string, unknown>;
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }),
      setApplicationMenu: (menu: { template: MenuItemConstructorOptions[] } | null) => menu && menus.push(menu.template),
    },
    dialog: {
      showOpenDialog: async (...args: unknown[]) => {
        dialogCalls.push({ kind: 'open', options: lastArg(args) });
        return options.openPaths ? { canceled: false, filePaths: options.openPaths } : { canceled: true, filePaths: [] };
      },
      showSaveDialog: async (...args: unknown[]) => {
        dialogCalls.push({ kind: 'save', options: lastArg(args) });
        return options.savePath ? { canceled: false, filePath: options.savePath } : { canceled: true, filePath: '' };
      },
      showMessageBox: async (...args: unknown[]) => {
        dialogCalls.push({ kind: 'message', options: lastArg(args) });
        return { response: options.messageBoxResponse ?? 0, checkboxChecked: false };
      },
      showErrorBox: (title: string, content: string) => errorBoxes.push([title, content]),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => (sessionHandlers.request = h),
        setPermissionCheckHandler: (h: unknown) => (sessionHandlers.check = h),
        setDevicePermissionHandler: (h: unknown) => (sessionHandlers.device = h),
        setDisplayMediaRequestHandler: (h: unknown) => (sessionHandlers.display = h),
        webRequest: { onBeforeRequest: (h: unknown) => (sessionHandlers.beforeRequest = h) },
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
    ipcRenderer: {
      on: (channel: string, listener: (...args: unknown[]) => void) => rendererListeners.set(channel, listener),
      invoke: async (...args: unknown[]) => {
        rendererInvokes.push(args);
        return { ok: true, value: null };
      },
    },
  };

  return { electron, windows, log, menus, protocolHandlers, privileged, ipcHandlers, sessionHandlers, dialogCalls, errorBoxes, exposed, rendererListeners, rendererInvokes };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
