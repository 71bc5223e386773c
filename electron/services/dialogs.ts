// What the dialog:* channels need of native open/save dialogs. The services own this interface;
// the Electron shell implements it (shell/dialogs.ts), and serve mode has none.
import type { ParsedInput } from '../ipc/contract.js';

export type OpenFolderRequest = ParsedInput<'dialog:openFolder'>;
export type OpenFileRequest = ParsedInput<'dialog:openFile'>;
export type SaveFolderRequest = ParsedInput<'dialog:saveFolder'>;

export interface NativeDialogs {
  openFolder(request: OpenFolderRequest): Promise<string | null>;
  openFiles(request: OpenFileRequest): Promise<string[]>;
  saveFolder(request: SaveFolderRequest): Promise<string | null>;
}
