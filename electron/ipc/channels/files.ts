// Channels of the file browser: serve mode's folder and file pickers (the window also has
// native dialogs). Guarded like every channel: the WebSocket needs the per-launch token.
import { z } from 'zod';
import { BrowseListing, BrowseShow } from '../../files/browse-schemas.js';
import { AbsolutePath } from '../../domain/schemas.js';
import { channel } from './define.js';

export const filesChannels = {
  /** One folder's sub-folders (and images or CSV files when asked); the home folder without a path. */
  'files:browse': channel(z.strictObject({ path: AbsolutePath.optional(), show: BrowseShow.optional() }), BrowseListing),
};
