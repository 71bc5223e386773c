// The one window's options. Every web preference that could hand the page Node, a remote page
// or a way around the same-origin policy is pinned here, where a test can read it.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowPlacement } from './window-state.js';

export interface MainWindowInput {
  preload: string;
  placement: WindowPlacement;
  title: string;
  /** Developer tools: in development only. */
  devTools: boolean;
  icon?: string;
}

export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 600;

export function mainWindowOptions(input: MainWindowInput): BrowserWindowConstructorOptions {
  const { placement } = input;
  return {
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : { center: true }),
    width: placement.width,
    height: placement.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: input.title,
    ...(input.icon ? { icon: input.icon } : {}),
    // Shown once the first frame is ready, so no blank window flashes.
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: input.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}
