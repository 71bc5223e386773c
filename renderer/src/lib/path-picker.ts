// The seam for choosing paths. In serve mode people type or paste a path; inside Electron a
// native dialog will come through a channel, and only this module and PathField change.
export type PickKind = 'project' | 'folder' | 'csv' | 'files';

export interface PathPicker {
  /** Whether a "Browse…" button can open a native dialog. */
  readonly native: boolean;
  /** The chosen paths, or null when the user cancelled. */
  pick(kind: PickKind): Promise<string[] | null>;
}

/** Serve mode: no dialog; the path field is the way in. */
export const typedPaths: PathPicker = {
  native: false,
  pick: async () => null,
};
