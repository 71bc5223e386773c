// The window comes back where it was: size, position and maximized/full-screen state in a
// small JSON file of the user data folder. The file is read as untrusted: a missing, corrupt or
// out-of-range one gives the default placement, and a position that no connected display
// shows any more (a monitor was unplugged) is dropped so that the window is centred.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
const MIN_SIZE = { width: 640, height: 480 } as const;
/** A window counts as visible when at least this much of it lies on some display. */
const MIN_VISIBLE_PX = 120;

const Coordinate = z.int().min(-100_000).max(100_000);
const Size = z.int().min(100).max(100_000);

export const WindowState = z.object({
  x: Coordinate.optional(),
  y: Coordinate.optional(),
  width: Size,
  height: Size,
  maximized: z.boolean().default(false),
  fullScreen: z.boolean().default(false),
});
export type WindowState = z.output<typeof WindowState>;

export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
  fullScreen: boolean;
}

export function readWindowState(file: string): WindowState | null {
  try {
    const parsed = WindowState.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Write-then-rename: a crash leaves the old file or the new one, never half of one. */
export function writeWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  fs.renameSync(tmp, file);
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Where the window opens, given the saved state and the work areas of the displays now
 * connected: the size is capped to the largest display, and the position kept only if enough
 * of the window's top lies on a display to grab it.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rectangle[]): WindowPlacement {
  const largest = workAreas.reduce<Rectangle | null>((best, area) => (!best || area.width * area.height > best.width * best.height ? area : best), null);
  const cap = (value: number, max: number | undefined, min: number) => Math.max(min, Math.min(value, max ?? value));
  const width = cap(saved?.width ?? DEFAULT_SIZE.width, largest?.width, MIN_SIZE.width);
  const height = cap(saved?.height ?? DEFAULT_SIZE.height, largest?.height, MIN_SIZE.height);
  const placement: WindowPlacement = { width, height, maximized: saved?.maximized ?? false, fullScreen: saved?.fullScreen ?? false };
  if (saved?.x === undefined || saved.y === undefined) return placement;
  // The title bar (top strip) must be reachable, not just any corner of the window.
  const titleBar: Rectangle = { x: saved.x, y: saved.y, width, height: Math.min(height, 40) };
  const visible = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.width >= Math.min(MIN_VISIBLE_PX, width) && o.height > 0;
  });
  return visible ? { ...placement, x: saved.x, y: saved.y } : placement;
}

export type TrackedWindow = Pick<BrowserWindow, 'on' | 'getNormalBounds' | 'isMaximized' | 'isFullScreen' | 'isDestroyed'>;

/** The state to save: the normal (restored) bounds, so un-maximizing later gives a sane size. */
export function captureWindowState(window: TrackedWindow): WindowState {
  const bounds = window.getNormalBounds();
  return { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, maximized: window.isMaximized(), fullScreen: window.isFullScreen() };
}

/**
 * Saves the state when the window closes, and a second after it stops moving or resizing (so
 * a crash does not lose it). Returns the function that saves at once.
 */
export function trackWindowState(window: TrackedWindow, file: string, debounceMs = 1000): () => void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (window.isDestroyed()) return;
    try {
      writeWindowState(file, WindowState.parse(captureWindowState(window)));
    } catch (error) {
      // A read-only profile folder costs the placement next time, nothing else.
      console.error('[window-state] could not save:', error);
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
    timer.unref();
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('enter-full-screen', later);
  window.on('leave-full-screen', later);
  window.on('close', save);
  return save;
}
