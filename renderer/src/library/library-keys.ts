// The library's keyboard map: which action a key press asks for. Pure (the screen carries the
// action out), so the map is unit-tested and reads in one place.
import { isMoveKey, type MoveKey } from './grid-layout';

export type LibraryAction =
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'select-all' }
  | { kind: 'clear-label' }
  | { kind: 'label-key'; key: number }
  | { kind: 'move'; key: MoveKey; extend: boolean }
  | { kind: 'open' }
  | { kind: 'clear-selection' }
  | { kind: 'accept' }
  | { kind: 'search' };

/** The parts of a key press the map reads (a KeyboardEvent has them all). */
export interface KeyPress {
  key: string;
  code: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** The digit of a number key (top row or keypad), or null. */
export function digitOf(event: Pick<KeyPress, 'code'>): number | null {
  const match = /^(?:Digit|Numpad)([0-9])$/.exec(event.code);
  return match ? Number(match[1]) : null;
}

export interface KeyContext {
  /** The large view is open (it shares the keys with the grid). */
  viewer: boolean;
  hasSelection: boolean;
  total: number;
}

/** The action a key asks for, or null when the library leaves the key alone. */
export function libraryAction(event: KeyPress, context: KeyContext): LibraryAction | null {
  const key = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && !event.altKey) {
    if (key === 'z') return { kind: event.shiftKey ? 'redo' : 'undo' };
    if (key === 'y') return { kind: 'redo' };
    if (key === 'a') return { kind: 'select-all' };
    return null;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const digit = event.shiftKey ? null : digitOf(event);
  if (digit !== null) return digit === 0 ? { kind: 'clear-label' } : { kind: 'label-key', key: digit };
  if (event.key === 'Backspace' || event.key === 'Delete') return { kind: 'clear-label' };
  if (isMoveKey(event.key)) return { kind: 'move', key: event.key, extend: event.shiftKey };
  if (event.key === 'Enter' && !context.viewer && context.total > 0) return { kind: 'open' };
  if (event.key === 'Escape' && !context.viewer && context.hasSelection) return { kind: 'clear-selection' };
  if (key === 'a' && !event.shiftKey) return { kind: 'accept' };
  if (event.key === '/') return { kind: 'search' };
  return null;
}
