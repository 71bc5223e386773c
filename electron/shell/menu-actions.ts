// What the native menu does. Each item goes through the same typed channels as the page (a
// dialog picks the path, a channel does the work), so the page learns of it from the usual
// events: project:changed, job:progress, labels:changed. Failures become an error box.
import type { EventBus } from '../ipc/event-bus.js';
import type { StudioClient } from '../ipc/client.js';
import type { NativeDialogs } from './dialogs.js';
import type { MenuActions } from './menu-template.js';

export interface MenuActionDeps {
  client: Pick<StudioClient, 'invoke'>;
  dialogs: NativeDialogs;
  bus: Pick<EventBus, 'emit'>;
  showError(title: string, message: string): void;
}

export function createMenuActions({ client, dialogs, bus, showError }: MenuActionDeps): MenuActions {
  const run = (title: string, work: () => Promise<unknown>) => {
    void work().catch((error: unknown) => showError(title, error instanceof Error ? error.message : String(error)));
  };
  return {
    newProject: () =>
      run('Could not create the project', async () => {
        const dir = await dialogs.saveFolder({ title: 'New project', buttonLabel: 'Create Project' });
        if (dir) await client.invoke('project:create', { path: dir });
      }),
    openProject: () =>
      run('Could not open the project', async () => {
        const dir = await dialogs.openFolder({ title: 'Open project' });
        if (dir) await client.invoke('project:open', { path: dir });
      }),
    openRecent: (projectPath) => run('Could not open the project', () => client.invoke('project:open', { path: projectPath })),
    importFolder: () =>
      run('Could not import the folder', async () => {
        const dir = await dialogs.openFolder({ title: 'Import images from a folder' });
        if (dir) await client.invoke('import:folder', { path: dir });
      }),
    importCsv: () =>
      run('Could not import the CSV file', async () => {
        const [file] = await dialogs.openFiles({ title: 'Import labels from a CSV file (path,label)', filter: 'csv' });
        if (file) await client.invoke('import:csv', { path: file });
      }),
    exportModel: () => bus.emit('shell:command', { command: 'export' }),
    showBackbones: () => bus.emit('shell:command', { command: 'backbones' }),
    undoLabels: () => run('Could not undo', () => client.invoke('labels:undo', {})),
    redoLabels: () => run('Could not redo', () => client.invoke('labels:redo', {})),
  };
}
