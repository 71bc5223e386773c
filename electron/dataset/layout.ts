// Reading labels and splits from where a file sits below the folder being imported:
//   split/class/img   (train, val, valid, validation, test; any case)
//   class/img
//   img               (flat: unlabeled)
// Deeper folders below a class belong to that class. A top-level folder with a split name is
// always a split, so in a class-per-folder dataset a class cannot be called "test".
import path from 'node:path';
import { ClassName, type Split } from '../domain/schemas.js';

// A Map, not an object literal: a folder named "constructor" or "__proto__" must not find
// Object.prototype's members (user text is never a key of a plain object).
const SPLIT_NAMES = new Map<string, Exclude<Split, 'unassigned'>>([
  ['train', 'train'],
  ['training', 'train'],
  ['val', 'val'],
  ['valid', 'val'],
  ['validation', 'val'],
  ['test', 'test'],
  ['testing', 'test'],
]);

export function splitFromName(name: string): Exclude<Split, 'unassigned'> | null {
  return SPLIT_NAMES.get(name.trim().toLowerCase()) ?? null;
}

export interface PathHints {
  className: string | null;
  split: Exclude<Split, 'unassigned'> | null;
}

/** A folder name as a class name: control characters become spaces; null if nothing usable is left. */
export function classNameFrom(raw: string): string | null {
  const cleaned = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[/\\]/g, '-').trim().slice(0, 100).trim();
  return ClassName.safeParse(cleaned).success ? cleaned : null;
}

/** Hints for a file at `relative` (path below the imported root, with the root's separators). */
export function hintsFor(relative: string): PathHints {
  const parts = relative.split(path.sep).filter(Boolean);
  const folders = parts.slice(0, -1);
  if (folders.length === 0) return { className: null, split: null };
  const split = splitFromName(folders[0]!);
  if (split) return { split, className: folders[1] === undefined ? null : classNameFrom(folders[1]) };
  return { split: null, className: classNameFrom(folders[0]!) };
}

export type LayoutName = 'split/class' | 'class' | 'flat' | 'mixed' | 'empty';

/** A one-word description of what the hints of all files add up to, for the import report. */
export function describeLayout(hints: readonly PathHints[]): LayoutName {
  // Loose files at the top (a README, a checksum list, unlabeled extras) do not define the layout.
  const placed = hints.filter((h) => h.split || h.className);
  if (placed.length > 0 && placed.length < hints.length) return describeLayout(placed);
  if (hints.length === 0) return 'empty';
  let split = 0;
  let classOnly = 0;
  let none = 0;
  for (const h of hints) {
    if (h.split) split++;
    else if (h.className) classOnly++;
    else none++;
  }
  if (split === hints.length) return 'split/class';
  if (classOnly === hints.length) return 'class';
  if (none === hints.length) return 'flat';
  return 'mixed';
}
