// The native menu as a template (read and clicked here), and what its items do against a real
// studio with fake dialogs: the same channels and events the page uses.
import fs from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { EventChannel } from '../../electron/ipc/contract.js';
import { createMenuActions } from '../../electron/shell/menu-actions.js';
import { buildMenuTemplate, type MenuActions, type MenuState } from '../../electron/shell/menu-template.js';
import type { NativeDialogs } from '../../electron/shell/dialogs.js';
import { inProcessClient } from '../../electron/services/in-process-client.js';
import { createStudio } from '../../electron/services/studio.js';
import { writeSyntheticDataset } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-menu-');
afterAll(() => tmp.cleanup());

function fakeActions(): MenuActions & { calls: string[] } {
  const calls: string[] = [];
  const record = (name: string) => (arg?: string) => calls.push(arg ? `${name}:${arg}` : name);
  return {
    calls,
    newProject: record('newProject'),
    openProject: record('openProject'),
    openRecent: record('openRecent'),
    importFolder: record('importFolder'),
    importCsv: record('importCsv'),
    exportModel: record('exportModel'),
    showBackbones: record('showBackbones'),
    undoLabels: record('undoLabels'),
    redoLabels: record('redoLabels'),
  };
}

const state = (over: Partial<MenuState> = {}): MenuState => ({ platform: 'linux', appName: 'Transfer Studio', recent: [], projectOpen: true, devTools: false, ...over });

function submenu(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = template.find((m) => m.label?.replace('&', '') === label);
  expect(menu, label).toBeDefined();
  return menu!.submenu as MenuItemConstructorOptions[];
}

const item = (items: MenuItemConstructorOptions[], id: string) => items.find((i) => i.id === id)!;
const click = (entry: MenuItemConstructorOptions) => (entry.click as () => void)();

describe('menu template', () => {
  it('has File (new, open, recent, import, export), Edit (undo, redo) and View on Linux and Windows', () => {
    const actions = fakeActions();
    const template = buildMenuTemplate(state({ recent: [{ path: '/p/ants', name: 'ants' }] }), actions);
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View']);
    const file = submenu(template, 'File');
    expect(file.filter((i) => i.id).map((i) => i.id)).toEqual(['new-project', 'open-project', 'open-recent', 'import-folder', 'import-csv', 'export', 'backbones']);
    expect(file.at(-1)).toEqual({ role: 'quit' });
    for (const id of ['new-project', 'open-project', 'import-folder', 'import-csv', 'export', 'backbones']) click(item(file, id));
    const recent = item(file, 'open-recent').submenu as MenuItemConstructorOptions[];
    expect(recent[0]!.label).toBe('ants — /p/ants');
    click(recent[0]!);

    const edit = submenu(template, 'Edit');
    click(item(edit, 'undo-labels'));
    click(item(edit, 'redo-labels'));
    expect(item(edit, 'undo-labels')).toMatchObject({ accelerator: 'CmdOrCtrl+Z', registerAccelerator: false });
    expect(edit.filter((i) => i.role).map((i) => i.role)).toEqual(['cut', 'copy', 'paste', 'selectAll']);
    expect(actions.calls).toEqual(['newProject', 'openProject', 'importFolder', 'importCsv', 'exportModel', 'showBackbones', 'openRecent:/p/ants', 'undoLabels', 'redoLabels']);

    const view = submenu(template, 'View');
    expect(view.map((i) => i.role).filter(Boolean)).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('disables what needs a project when none is open, and says when there is nothing recent', () => {
    const file = submenu(buildMenuTemplate(state({ projectOpen: false }), fakeActions()), 'File');
    for (const id of ['import-folder', 'import-csv', 'export']) expect(item(file, id).enabled, id).toBe(false);
    expect(item(file, 'new-project').enabled).toBeUndefined();
    expect(item(file, 'open-recent')).toMatchObject({ enabled: false, submenu: [{ label: 'No recent projects', enabled: false }] });
  });

  it('escapes & in recent paths (menus read it as a mnemonic) and caps the list', () => {
    const recent = Array.from({ length: 15 }, (_, i) => ({ path: `/data/R&D ${i}`, name: `p${i}` }));
    const items = item(submenu(buildMenuTemplate(state({ recent }), fakeActions()), 'File'), 'open-recent').submenu as MenuItemConstructorOptions[];
    expect(items).toHaveLength(10);
    expect(items[0]!.label).toBe('p0 — /data/R&&D 0');
  });

  it('adds the app menu and the window menu on macOS, quit there, and developer tools only in development', () => {
    const template = buildMenuTemplate(state({ platform: 'darwin', devTools: true }), fakeActions());
    expect(template[0]!.label).toBe('Transfer Studio');
    expect((template[0]!.submenu as MenuItemConstructorOptions[]).map((i) => i.role)).toContain('quit');
    expect(template.at(-1)).toEqual({ role: 'windowMenu' });
    expect(submenu(template, 'File').some((i) => i.role === 'quit')).toBe(false);
    expect(submenu(template, 'View').map((i) => i.role)).toContain('toggleDevTools');
    expect(submenu(buildMenuTemplate(state(), fakeActions()), 'View').map((i) => i.role)).not.toContain('toggleDevTools');
  });
});

describe('menu actions on a real studio', () => {
  function fakeDialogs(answers: { folder?: string | null; save?: string | null; files?: string[] }): NativeDialogs & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      openFolder: async (r) => (asked.push(`folder:${r.title}`), answers.folder ?? null),
      saveFolder: async (r) => (asked.push(`save:${r.title}`), answers.save ?? null),
      openFiles: async (r) => (asked.push(`files:${r.filter}`), answers.files ?? []),
    };
  }

  async function settle(studio: ReturnType<typeof createStudio>) {
    for (let i = 0; i < 200 && (studio.jobs.list().length > 0 || i < 2); i++) await new Promise((r) => setTimeout(r, 20));
  }

  it('creates and opens projects, imports a folder and a CSV, undoes labels; the page hears it as events', async () => {
    const studio = createStudio();
    const events: EventChannel[] = [];
    studio.bus.listen((event) => events.push(event));
    const projectDir = path.join(tmp.dir, 'from-menu');
    const images = path.join(tmp.dir, 'images');
    await writeSyntheticDataset(images, 6, ['ant', 'bee']);
    const showError = vi.fn();
    const dialogs = fakeDialogs({ save: projectDir, folder: images, files: [path.join(tmp.dir, 'labels.csv')] });
    const actions = createMenuActions({ client: inProcessClient(studio), dialogs, bus: studio.bus, showError });
    try {
      actions.newProject();
      await vi.waitFor(() => expect(studio.session.project?.dir).toBe(projectDir));
      expect(events).toContain('project:changed');

      actions.importFolder();
      // Liveness, not speed: an import also embeds with the shipped backbone, slow on a busy machine.
      const IMPORT_WAIT = { timeout: 120_000, interval: 50 };
      await vi.waitFor(() => expect(events).toContain('job:finished'), IMPORT_WAIT);
      await settle(studio);
      const ants = studio.session.project!.db.prepare("SELECT count(*) FROM labels l JOIN classes c ON c.id = l.class_id WHERE c.name = 'ant'").pluck().get();
      expect(ants).toBe(3);

      // A CSV that relabels one ant as a bee.
      const first = studio.session.project!.db.prepare("SELECT p.path FROM image_paths p JOIN labels l ON l.image_id = p.image_id JOIN classes c ON c.id = l.class_id WHERE c.name = 'ant' LIMIT 1").pluck().get() as string;
      fs.writeFileSync(path.join(tmp.dir, 'labels.csv'), `path,label\n${first},wasp\n`);
      const finishedBefore = events.filter((e) => e === 'job:finished').length;
      actions.importCsv();
      await vi.waitFor(() => expect(events.filter((e) => e === 'job:finished').length).toBe(finishedBefore + 1), IMPORT_WAIT);
      expect(dialogs.asked).toContain('files:csv');

      const setResult = await inProcessClient(studio).invoke('labels:set', { imageIds: [1], classId: null });
      expect(setResult.changed).toBe(1);
      actions.undoLabels();
      await vi.waitFor(() => expect(studio.session.project!.db.prepare('SELECT count(*) FROM labels WHERE image_id = 1').pluck().get()).toBe(1));
      actions.redoLabels();
      await vi.waitFor(() => expect(studio.session.project!.db.prepare('SELECT count(*) FROM labels WHERE image_id = 1').pluck().get()).toBe(0));

      actions.exportModel();
      expect(events).toContain('shell:command');
      expect(showError).not.toHaveBeenCalled();
    } finally {
      await studio.close();
    }
  });

  it('does nothing when a dialog is cancelled, and shows an error box when the channel refuses', async () => {
    const studio = createStudio();
    const showError = vi.fn();
    try {
      const cancelled = createMenuActions({ client: inProcessClient(studio), dialogs: fakeDialogs({}), bus: studio.bus, showError });
      cancelled.openProject();
      cancelled.newProject();
      await new Promise((r) => setTimeout(r, 20));
      expect(studio.session.project).toBeNull();
      expect(showError).not.toHaveBeenCalled();

      const notAProject = createMenuActions({ client: inProcessClient(studio), dialogs: fakeDialogs({ folder: tmp.dir }), bus: studio.bus, showError });
      notAProject.openProject();
      await vi.waitFor(() => expect(showError).toHaveBeenCalledWith('Could not open the project', expect.stringMatching(/not a Transfer Studio project/)));
      notAProject.importFolder();
      await vi.waitFor(() => expect(showError).toHaveBeenCalledWith('Could not import the folder', expect.stringMatching(/No project is open/)));
    } finally {
      await studio.close();
    }
  });
});
