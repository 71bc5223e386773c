// The library's keyboard map and the run-history helpers the screens share.
import { describe, expect, it } from 'vitest';
import { libraryAction, type KeyPress } from '../../renderer/src/library/library-keys.js';
import { newestFinishedRun, runningRun } from '../../renderer/src/lib/runs.js';
import type { RunSummary } from '../../renderer/src/lib/types.js';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  code: /^[0-9]$/.test(key) ? `Digit${key}` : '',
  shiftKey: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...extra,
});
const grid = { viewer: false, hasSelection: false, total: 10 };

describe('library key map', () => {
  it('labels with number keys (top row and keypad), clears with 0, Backspace and Delete', () => {
    expect(libraryAction(press('3'), grid)).toEqual({ kind: 'label-key', key: 3 });
    expect(libraryAction(press('4', { code: 'Numpad4' }), grid)).toEqual({ kind: 'label-key', key: 4 });
    expect(libraryAction(press('0'), grid)).toEqual({ kind: 'clear-label' });
    expect(libraryAction(press('Backspace'), grid)).toEqual({ kind: 'clear-label' });
    expect(libraryAction(press('Delete'), grid)).toEqual({ kind: 'clear-label' });
    // Shift+digit is a symbol on most layouts, Alt+digit switches screens: neither labels.
    expect(libraryAction(press('#', { code: 'Digit3', shiftKey: true }), grid)).toBeNull();
    expect(libraryAction(press('3', { altKey: true }), grid)).toBeNull();
  });

  it('undoes, redoes and selects all with Ctrl (or Cmd), and leaves other chords alone', () => {
    expect(libraryAction(press('z', { ctrlKey: true }), grid)).toEqual({ kind: 'undo' });
    expect(libraryAction(press('Z', { metaKey: true, shiftKey: true }), grid)).toEqual({ kind: 'redo' });
    expect(libraryAction(press('y', { ctrlKey: true }), grid)).toEqual({ kind: 'redo' });
    expect(libraryAction(press('a', { ctrlKey: true }), grid)).toEqual({ kind: 'select-all' });
    expect(libraryAction(press('c', { ctrlKey: true }), grid)).toBeNull();
    expect(libraryAction(press('z', { ctrlKey: true, altKey: true }), grid)).toBeNull();
  });

  it('moves, extends with Shift, opens with Enter, clears a selection with Escape, accepts with A, searches with /', () => {
    expect(libraryAction(press('ArrowRight'), grid)).toEqual({ kind: 'move', key: 'ArrowRight', extend: false });
    expect(libraryAction(press('PageDown', { shiftKey: true }), grid)).toEqual({ kind: 'move', key: 'PageDown', extend: true });
    expect(libraryAction(press('Enter'), grid)).toEqual({ kind: 'open' });
    expect(libraryAction(press('Enter'), { ...grid, total: 0 })).toBeNull();
    expect(libraryAction(press('Enter'), { ...grid, viewer: true })).toBeNull();
    expect(libraryAction(press('Escape'), grid)).toBeNull();
    expect(libraryAction(press('Escape'), { ...grid, hasSelection: true })).toEqual({ kind: 'clear-selection' });
    expect(libraryAction(press('Escape'), { ...grid, hasSelection: true, viewer: true })).toBeNull();
    expect(libraryAction(press('a'), grid)).toEqual({ kind: 'accept' });
    expect(libraryAction(press('A', { shiftKey: true }), grid)).toBeNull();
    expect(libraryAction(press('/'), grid)).toEqual({ kind: 'search' });
    expect(libraryAction(press('q'), grid)).toBeNull();
  });
});

describe('run history', () => {
  const r = (id: number, status: RunSummary['status']): RunSummary => ({
    id,
    status,
    createdAt: id,
    finishedAt: null,
    backend: null,
    embedEngine: null,
    backboneId: null,
    backboneName: null,
    backboneSha256: null,
    classIds: [],
    valAccuracy: null,
    testAccuracy: null,
    error: null,
  });

  it('finds the newest finished run whatever the order, and the run in progress', () => {
    expect(newestFinishedRun([r(2, 'done'), r(5, 'failed'), r(4, 'done'), r(6, 'running')])?.id).toBe(4);
    expect(newestFinishedRun([r(1, 'cancelled')])).toBeNull();
    expect(runningRun([r(3, 'done'), r(6, 'running')])?.id).toBe(6);
    expect(runningRun([r(3, 'done')])).toBeNull();
  });
});
