// Geometry of the virtualized library grid and where the arrow keys move the focus.
import { describe, expect, it } from 'vitest';
import { GAP, layoutGrid, moveFocus, scrollForRow, visibleRows } from '../../renderer/src/library/grid-layout.js';

describe('grid layout', () => {
  it('fits as many columns of the minimum size as the width allows, and widens them to fill it', () => {
    const layout = layoutGrid(1000, 150, 100_000);
    expect(layout.columns).toBe(Math.floor((1000 - GAP) / (150 + GAP)));
    expect(layout.cardSize).toBeGreaterThanOrEqual(150);
    expect(layout.columns * (layout.cardSize + GAP) + GAP).toBeLessThanOrEqual(1000);
    expect(layout.rows).toBe(Math.ceil(100_000 / layout.columns));
    expect(layoutGrid(50, 150, 3)).toMatchObject({ columns: 1, rows: 3 });
  });

  it('renders only the rows on screen plus the overscan, at the top, middle and end', () => {
    const layout = layoutGrid(1000, 150, 100_000);
    const screen = 800;
    const top = visibleRows(layout, 0, screen);
    expect(top.first).toBe(0);
    expect(top.last).toBeLessThan(Math.ceil(screen / layout.rowHeight) + 2);
    const middle = visibleRows(layout, 1_000_000, screen);
    expect(middle.last - middle.first + 1).toBeLessThanOrEqual(Math.ceil(screen / layout.rowHeight) + 4);
    const end = visibleRows(layout, layout.rows * layout.rowHeight - screen, screen);
    expect(end.last).toBe(layout.rows - 1);
    expect(visibleRows(layoutGrid(1000, 150, 0), 0, screen)).toEqual({ first: 0, last: -1 });
  });

  it('scrolls only when the row is out of view', () => {
    const layout = layoutGrid(1000, 150, 1000);
    expect(scrollForRow(layout, 0, 0, 600)).toBe(0);
    expect(scrollForRow(layout, 1, 0, 600)).toBe(0);
    expect(scrollForRow(layout, 10, 0, 600)).toBe(11 * layout.rowHeight + GAP - 600);
    expect(scrollForRow(layout, 2, 5 * layout.rowHeight, 600)).toBe(2 * layout.rowHeight);
  });

  it('moves the focus by card, row, page and to either end, never outside the images', () => {
    const cols = 5;
    const total = 23; // last row holds 3 cards: indices 20, 21, 22
    expect(moveFocus(0, 'ArrowLeft', cols, total, 3)).toBe(0);
    expect(moveFocus(4, 'ArrowRight', cols, total, 3)).toBe(5);
    expect(moveFocus(22, 'ArrowRight', cols, total, 3)).toBe(22);
    expect(moveFocus(7, 'ArrowUp', cols, total, 3)).toBe(2);
    expect(moveFocus(2, 'ArrowUp', cols, total, 3)).toBe(2);
    expect(moveFocus(7, 'ArrowDown', cols, total, 3)).toBe(12);
    expect(moveFocus(18, 'ArrowDown', cols, total, 3)).toBe(22);
    expect(moveFocus(21, 'ArrowDown', cols, total, 3)).toBe(21);
    expect(moveFocus(12, 'Home', cols, total, 3)).toBe(0);
    expect(moveFocus(0, 'End', cols, total, 3)).toBe(22);
    expect(moveFocus(1, 'PageDown', cols, total, 3)).toBe(16);
    expect(moveFocus(16, 'PageDown', cols, total, 3)).toBe(22);
    expect(moveFocus(16, 'PageUp', cols, total, 3)).toBe(1);
    expect(moveFocus(0, 'ArrowDown', cols, 0, 3)).toBe(0);
  });
});
