// The desktop app, wired from plain modules. The Electron module is passed in by main.ts (the
// only place it is imported at run time), so this whole start-up runs in tests against a small
// fake of Electron: window options, CSP, protocols, guards, menu, dialogs, quit.
import path from 'node:path';
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Dialog, IpcMain, Menu, MenuItemConstructorOptions, Privileges, Protocol, Screen } from 'electron';
import { z } from 'zod';
import { registerElectronTransport } from '../ipc/electron-transport.js';
import type { JobInfo } from '../domain/schemas.js';
import { desktopCsp } from '../security/csp.js';
import { inProcessClient } from '../services/in-process-client.js';
import { createStudio, type Studio } from '../services/studio.js';
import { createAppHandler } from './app-protocol.js';
import { electronDialogs } from './dialogs.js';
import { guardWebContents, hardenSession, isAppUrl, type HardenedSession } from './guards.js';
import { projectFromArgs } from './launch-args.js';
import { createMediaHandler, type MediaProtocolOptions } from './media-protocol.js';
import { createMenuActions } from './menu-actions.js';
import { buildMenuTemplate, type RecentEntry } from './menu-template.js';
import { projectMedia } from './project-media.js';
import { APP_ENTRY_URL, APP_SCHEME } from './protocol-names.js';
import { QuitGuard, describeJobs } from './quit-guard.js';
import { mainWindowOptions } from './window-options.js';
import { WINDOW_STATE_FILE, placeWindow, readWindowState, trackWindowState } from './window-state.js';

/** The parts of the Electron module the app uses; main.ts passes the real one. */
export interface ElectronApi {
  app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'whenReady' | 'on' | 'getPath' | 'isPackaged' | 'getName'>;
  BrowserWindow: {
    new (options: BrowserWindowConstructorOptions): BrowserWindow;
    getAllWindows(): BrowserWindow[];
    getFocusedWindow(): BrowserWindow | null;
  };
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu; setApplicationMenu(menu: Menu | null): void };
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox' | 'showErrorBox'>;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  session: { defaultSession: HardenedSession };
  screen: Pick<Screen, 'getAllDisplays'>;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
}

export interface DesktopOptions {
  rendererDir: string;
  preload: string;
  icon?: string;
  argv: readonly string[];
  cwd: string;
  /**
   * The file behind studio://media/<kind>/<id>. The default resolves the open project's
   * thumbnails and source files by image id.
   */
  media?: (studio: Studio) => Pick<MediaProtocolOptions, 'resolve' | 'roots'>;
  /** The projects for File > Open Recent. */
  recentProjects?: (studio: Studio) => Promise<RecentEntry[]>;
}

export interface Desktop {
  studio: Studio;
  guard: QuitGuard;
  ready: Promise<void>;
  window(): BrowserWindow | null;
}

/** standard + secure: real origins (so 'self' and same-origin mean the app), fetch and streams. */
export const SCHEME_PRIVILEGES: Privileges = { standard: true, secure: true, supportFetchAPI: true, stream: true };
const APP_HOST = 'app';
const MEDIA_HOST = 'media';

const RecentList = z.array(z.object({ path: z.string(), name: z.string() }));

/**
 * The recent list the page shows (project:recent, kept in the user data folder); empty where
 * the studio has no such channel.
 */
async function recentFromChannel(studio: Studio): Promise<RecentEntry[]> {
  const result = await studio.dispatch('project:recent', {}, { transport: 'in-process' });
  const parsed = result.ok ? RecentList.safeParse(result.value) : null;
  return parsed?.success ? parsed.data : [];
}

/** Returns null when another instance already runs (it is told to come forward instead). */
export function startDesktop(electron: ElectronApi, options: DesktopOptions): Desktop | null {
  const { app, BrowserWindow, Menu, dialog, protocol, screen, ipcMain } = electron;
  // Must happen before the app is ready.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: SCHEME_PRIVILEGES }]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  let window: BrowserWindow | null = null;
  const studio = createStudio({ dialogs: electronDialogs(dialog, () => BrowserWindow.getFocusedWindow() ?? window) });
  const client = inProcessClient(studio);
  const showError = (title: string, message: string) => dialog.showErrorBox(title, message);

  const guard = new QuitGuard({
    runningJobs: () => studio.jobs.list(),
    confirm: async (jobs: readonly JobInfo[]) => {
      const options = {
        type: 'warning' as const,
        buttons: ['Cancel It and Quit', 'Keep Working'],
        defaultId: 1,
        cancelId: 1,
        title: 'Quit Transfer Studio?',
        message: `${describeJobs(jobs).replace(/^./, (c) => c.toUpperCase())} is still running.`,
        detail: 'Quitting cancels it cleanly: what is already saved stays in the project.',
      };
      const answer = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
      return answer.response === 0;
    },
    shutdown: () => studio.close(),
    quit: () => app.quit(),
  });

  const openProject = (dir: string) =>
    void client.invoke('project:open', { path: dir }).catch((error: unknown) => showError('Could not open the project', error instanceof Error ? error.message : String(error)));

  const actions = createMenuActions({ client, dialogs: electronDialogs(dialog, () => window), bus: studio.bus, showError });
  const recentProjects = options.recentProjects ?? recentFromChannel;
  const refreshMenu = async () => {
    const recent = await recentProjects(studio).catch(() => []);
    const template = buildMenuTemplate({ platform: process.platform, appName: app.getName(), recent, projectOpen: studio.session.project !== null, devTools: !app.isPackaged }, actions);
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  function createWindow(): BrowserWindow {
    const stateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
    const placement = placeWindow(readWindowState(stateFile), screen.getAllDisplays().map((d) => d.workArea));
    const created = new BrowserWindow(
      mainWindowOptions({ preload: options.preload, placement, title: 'Transfer Studio', devTools: !app.isPackaged, ...(options.icon ? { icon: options.icon } : {}) }),
    );
    if (placement.maximized) created.maximize();
    if (placement.fullScreen) created.setFullScreen(true);
    trackWindowState(created, stateFile);
    created.on('close', (event) => guard.onWindowClose(event));
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (window === created) window = null;
    });
    void created.loadURL(APP_ENTRY_URL);
    return created;
  }

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const project = projectFromArgs(argv, workingDirectory);
    if (project) openProject(project);
  });
  app.on('before-quit', (event) => guard.onBeforeQuit(event));
  app.on('window-all-closed', () => app.quit());

  const ready = app.whenReady().then(() => {
    hardenSession(electron.session.defaultSession);
    const csp = desktopCsp(`${APP_SCHEME}://${MEDIA_HOST}`);
    const serveApp = createAppHandler({ rendererDir: options.rendererDir, host: APP_HOST, csp });
    const serveMedia = createMediaHandler({ host: MEDIA_HOST, ...(options.media ?? ((s) => projectMedia(() => s.session.project)))(studio) });
    protocol.handle(APP_SCHEME, (request) => (new URL(request.url).host === MEDIA_HOST ? serveMedia(request) : serveApp(request)));
    registerElectronTransport({
      ipcMain,
      dispatch: studio.dispatch,
      bus: studio.bus,
      isTrustedSender: (event) => isAppUrl(event.senderFrame?.url ?? ''),
      targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    });
    studio.bus.listen((event) => {
      if (event === 'project:changed') void refreshMenu();
    });
    void refreshMenu();
    window = createWindow();
    const project = projectFromArgs(options.argv, options.cwd);
    if (project) openProject(project);
  });

  return { studio, guard, ready, window: () => window };
}
