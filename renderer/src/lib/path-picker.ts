// The seam for choosing paths. Inside Electron a native dialog comes through the dialog:*
// channels; in serve mode the studio's own folder/file browser (files:browse) opens in a
// modal. Either way the chosen path then goes through the ordinary channels, checked there.
import type { StudioClient } from '../../../electron/ipc/client';

export type PickKind = 'project' | 'folder' | 'csv' | 'keras' | 'files';

export interface PathPicker {
  /** Whether a "Browse…" button can open a picker. */
  readonly native: boolean;
  /** The chosen paths, or null when the user cancelled. */
  pick(kind: PickKind): Promise<string[] | null>;
}

/** No picker at all: the path field is the way in. */
export const typedPaths: PathPicker = {
  native: false,
  pick: async () => null,
};

/** The desktop window: the operating system's own dialogs. */
export function dialogPicker(studio: StudioClient): PathPicker {
  return {
    native: true,
    async pick(kind) {
      if (kind === 'project') return nonNull((await studio.invoke('dialog:saveFolder', { title: 'Project folder', buttonLabel: 'Choose' })).path);
      if (kind === 'folder') return nonNull((await studio.invoke('dialog:openFolder', { title: 'Folder of images' })).path);
      const { paths } = await studio.invoke('dialog:openFile', { filter: kind === 'csv' || kind === 'keras' ? kind : 'images', multiple: kind === 'files' });
      return paths.length ? paths : null;
    },
  };
}

const nonNull = (p: string | null) => (p === null ? null : [p]);

/** Serve mode: a pick is a request the FileBrowser modal answers (see file-browser.svelte.ts). */
export function browserPicker(open: (kind: PickKind) => Promise<string[] | null>): PathPicker {
  return { native: true, pick: open };
}
