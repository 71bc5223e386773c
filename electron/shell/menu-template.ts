// The native menu as data: a pure function of what the app knows (platform, recent projects,
// whether a project is open) and the actions it can take, so a test can read every item and
// click it. main.ts only hands the result to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(projectPath: string): void;
  importFolder(): void;
  importCsv(): void;
  exportModel(): void;
  /** Opens the Backbones panel in the page (catalogue, downloads, import, removal). */
  showBackbones(): void;
  undoLabels(): void;
  redoLabels(): void;
}

export interface RecentEntry {
  path: string;
  name: string;
}

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  recent: readonly RecentEntry[];
  projectOpen: boolean;
  devTools: boolean;
}

const MAX_RECENT_ITEMS = 10;

function fileMenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions {
  const recent: MenuItemConstructorOptions[] = state.recent.slice(0, MAX_RECENT_ITEMS).map((entry) => ({
    // A path can hold '&', which Windows and Linux menus read as a mnemonic marker.
    label: `${entry.name} — ${entry.path}`.replaceAll('&', '&&'),
    click: () => actions.openRecent(entry.path),
  }));
  return {
    label: '&File',
    submenu: [
      { id: 'new-project', label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
      { id: 'open-project', label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      {
        id: 'open-recent',
        label: 'Open Recent',
        enabled: recent.length > 0,
        submenu: recent.length > 0 ? recent : [{ label: 'No recent projects', enabled: false }],
      },
      { type: 'separator' },
      { id: 'import-folder', label: 'Import Folder…', accelerator: 'CmdOrCtrl+I', enabled: state.projectOpen, click: () => actions.importFolder() },
      { id: 'import-csv', label: 'Import Labels from CSV…', enabled: state.projectOpen, click: () => actions.importCsv() },
      { id: 'export', label: 'Export Model…', accelerator: 'CmdOrCtrl+E', enabled: state.projectOpen, click: () => actions.exportModel() },
      { type: 'separator' },
      { id: 'backbones', label: 'Backbones…', click: () => actions.showBackbones() },
      ...(state.platform === 'darwin' ? [] : ([{ type: 'separator' }, { role: 'quit' }] satisfies MenuItemConstructorOptions[])),
    ],
  };
}

function editMenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions {
  return {
    label: '&Edit',
    submenu: [
      // Label undo/redo. The accelerators are shown but not registered (Windows, Linux): the
      // page handles the keys itself, so Ctrl+Z inside a text field still undoes typing.
      { id: 'undo-labels', label: 'Undo Label Change', accelerator: 'CmdOrCtrl+Z', registerAccelerator: false, enabled: state.projectOpen, click: () => actions.undoLabels() },
      {
        id: 'redo-labels',
        label: 'Redo Label Change',
        accelerator: state.platform === 'darwin' ? 'Cmd+Shift+Z' : 'Ctrl+Y',
        registerAccelerator: false,
        enabled: state.projectOpen,
        click: () => actions.redoLabels(),
      },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
}

function viewMenu(state: MenuState): MenuItemConstructorOptions {
  return {
    label: '&View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(state.devTools ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[]) : []),
    ],
  };
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [fileMenu(state, actions), editMenu(state, actions), viewMenu(state)];
  if (state.platform === 'darwin') {
    template.unshift({
      label: state.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
    template.push({ role: 'windowMenu' });
  }
  return template;
}
