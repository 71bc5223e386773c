// Native open/save dialogs behind the dialog:* channels. The Electron module is passed in (it
// exists only inside the app), so this file runs, and is tested, in plain Node.
import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { NativeDialogs, OpenFileRequest, OpenFolderRequest, SaveFolderRequest } from '../services/dialogs.js';

export type { NativeDialogs, OpenFileRequest, OpenFolderRequest, SaveFolderRequest } from '../services/dialogs.js';

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif'];

export function openFolderOptions(request: OpenFolderRequest): OpenDialogOptions {
  return {
    title: request.title ?? 'Choose a folder',
    ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
    properties: ['openDirectory', 'dontAddToRecent'],
  };
}

export function openFileOptions(request: OpenFileRequest): OpenDialogOptions {
  const filter = request.filter ?? 'any';
  const filters =
    filter === 'csv'
      ? [{ name: 'CSV (path,label)', extensions: ['csv'] }]
      : filter === 'keras'
        ? [{ name: 'Keras model (.keras)', extensions: ['keras'] }]
        : filter === 'images'
        ? [{ name: 'Images', extensions: IMAGE_EXTENSIONS }]
        : [];
  return {
    title: request.title ?? 'Choose a file',
    ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
    filters: [...filters, { name: 'All files', extensions: ['*'] }],
    properties: request.multiple ? ['openFile', 'multiSelections', 'dontAddToRecent'] : ['openFile', 'dontAddToRecent'],
  };
}

export function saveFolderOptions(request: SaveFolderRequest): SaveDialogOptions {
  return {
    title: request.title ?? 'Choose where to save',
    ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
    buttonLabel: request.buttonLabel ?? 'Create',
    properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
  };
}

export type DialogModule = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;

/** Dialogs attached to the window in front (modal to it), or free-standing without one. */
export function electronDialogs(dialog: DialogModule, parent: () => BaseWindow | null): NativeDialogs {
  const open = (options: OpenDialogOptions) => {
    const window = parent();
    return window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
  };
  return {
    async openFolder(request) {
      const result = await open(openFolderOptions(request));
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async openFiles(request) {
      const result = await open(openFileOptions(request));
      return result.canceled ? [] : result.filePaths;
    },
    async saveFolder(request) {
      const options = saveFolderOptions(request);
      const window = parent();
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
