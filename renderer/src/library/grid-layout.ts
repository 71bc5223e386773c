// Geometry of the virtualized grid, and where keys move the focus. Pure, so it is unit-tested.

export interface GridLayout {
  columns: number;
  /** Width and height of one card's picture. */
  cardSize: number;
  rowHeight: number;
  rows: number;
}

export const GAP = 10;
/** The file name and class line under each picture. */
export const CAPTION = 40;

/** As many columns of at least `minCard` px as fit; cards then grow to fill the width. */
export function layoutGrid(width: number, minCard: number, total: number): GridLayout {
  const columns = Math.max(1, Math.floor((width - GAP) / (minCard + GAP)));
  const cardSize = Math.max(minCard, Math.floor((width - GAP) / columns - GAP));
  const rowHeight = cardSize + CAPTION + GAP;
  return { columns, cardSize, rowHeight, rows: Math.ceil(total / columns) };
}

/** Rows to render for a scroll position: those on screen plus a few either side. */
export function visibleRows(layout: GridLayout, scrollTop: number, viewportHeight: number, overscan = 2): { first: number; last: number } {
  if (layout.rows === 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.floor(scrollTop / layout.rowHeight) - overscan);
  const last = Math.min(layout.rows - 1, Math.ceil((scrollTop + viewportHeight) / layout.rowHeight) + overscan - 1);
  return { first, last: Math.max(first, last) };
}

/** The scroll position that brings a row fully into view (unchanged when it already is). */
export function scrollForRow(layout: GridLayout, row: number, scrollTop: number, viewportHeight: number): number {
  const top = row * layout.rowHeight;
  const bottom = top + layout.rowHeight + GAP;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

export type MoveKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

export function isMoveKey(key: string): key is MoveKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(key);
}

/** Where the focus goes from `index`; rows per page is how many fit on screen. */
export function moveFocus(index: number, key: MoveKey, columns: number, total: number, rowsPerPage: number): number {
  if (total === 0) return 0;
  const clamp = (i: number) => Math.min(total - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'ArrowDown':
      // From the row above a short last row, down lands on its last card.
      return index + columns < total ? index + columns : Math.floor(index / columns) < Math.floor((total - 1) / columns) ? total - 1 : index;
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    case 'PageUp':
      return clamp(index - columns * Math.max(1, rowsPerPage));
    case 'PageDown':
      return clamp(index + columns * Math.max(1, rowsPerPage));
  }
}
