// Channels of the desktop shell: native open/save dialogs. Only the Electron window has them;
// serve mode and the CLI answer with an 'unsupported' error, and the renderer shows a path
// field instead. The renderer still sends the chosen path through the ordinary channels
// (project:open, import:folder, …), which check it like any typed path.
import { z } from 'zod';
import { AbsolutePath } from '../../domain/schemas.js';
import { channel } from './define.js';

const Title = z.string().trim().min(1).max(200);
export const FileFilter = z.enum(['images', 'csv', 'keras', 'any']);
export type FileFilter = z.infer<typeof FileFilter>;

const DialogBase = { title: Title.optional(), defaultPath: AbsolutePath.optional() };

export const shellChannels = {
  /** An existing folder (a project, or images to import); null when cancelled. */
  'dialog:openFolder': channel(z.strictObject(DialogBase), z.object({ path: AbsolutePath.nullable() })),
  /** Existing files (a CSV of labels, images to test); empty when cancelled. */
  'dialog:openFile': channel(
    z.strictObject({ ...DialogBase, filter: FileFilter.optional(), multiple: z.boolean().optional() }),
    z.object({ paths: z.array(AbsolutePath) }),
  ),
  /** A folder to create or write into (a new project, an export); null when cancelled. */
  'dialog:saveFolder': channel(
    z.strictObject({ ...DialogBase, buttonLabel: z.string().trim().min(1).max(60).optional() }),
    z.object({ path: AbsolutePath.nullable() }),
  ),
};
