// The grid's focus and multi-selection: the focused card, the selected image ids and the anchor
// a Shift range extends from. It knows the grid only through the few things it asks of it.
import { moveFocus, type MoveKey } from './grid-layout';

export interface SelectionGrid {
  /** Images in the view. */
  total(): number;
  /** The id of a loaded card, or undefined. */
  idAt(index: number): number | undefined;
  /** The ids of cards from..to (inclusive), fetched when not all are loaded. */
  idsBetween(from: number, to: number): Promise<number[]>;
  /** Brings a card into sight. */
  scrollTo(index: number): void;
}

export class GridSelection {
  focusIndex = $state(0);
  selected = $state.raw<ReadonlySet<number>>(new Set());
  anchor = $state<number | null>(null);

  constructor(private readonly grid: SelectionGrid) {}

  /** A new view: from the top, nothing selected. */
  reset(): void {
    this.focusIndex = 0;
    this.selected = new Set();
    this.anchor = null;
  }

  clear(): void {
    this.selected = new Set();
  }

  selectIds(ids: Iterable<number>): void {
    this.selected = new Set(ids);
  }

  /** The focused image ids to act on: the selection, or else the focused card. */
  targets(): { ids: number[]; single: boolean } {
    if (this.selected.size) return { ids: [...this.selected], single: false };
    const id = this.grid.idAt(this.focusIndex);
    return { ids: id === undefined ? [] : [id], single: true };
  }

  setFocus(index: number): void {
    const total = this.grid.total();
    if (total === 0) return;
    this.focusIndex = Math.max(0, Math.min(total - 1, index));
    this.grid.scrollTo(this.focusIndex);
  }

  /** The view shrank: the focus stays on a card. */
  clampFocus(): void {
    const total = this.grid.total();
    if (this.focusIndex >= total && total > 0) this.focusIndex = total - 1;
  }

  async extendTo(index: number, additive: boolean): Promise<void> {
    const from = this.anchor ?? this.focusIndex;
    const ids = await this.grid.idsBetween(Math.min(from, index), Math.max(from, index));
    this.selected = new Set([...(additive ? this.selected : []), ...ids]);
  }

  /** A click on a card: Shift extends, Ctrl/Cmd toggles, a plain click focuses and clears. */
  click(index: number, modifiers: { shift: boolean; primary: boolean }): void {
    const id = this.grid.idAt(index);
    if (id === undefined) return;
    if (modifiers.shift) void this.extendTo(index, modifiers.primary);
    else if (modifiers.primary) {
      const next = new Set(this.selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      this.selected = next;
      this.anchor = index;
    } else {
      this.selected = new Set();
      this.anchor = index;
    }
    this.focusIndex = index;
  }

  /** An arrow (or page) key; with Shift the selection follows from the anchor. */
  move(key: MoveKey, layout: { columns: number; rowsPerPage: number }, extend: boolean, keepAnchor: boolean): void {
    const from = this.focusIndex;
    this.setFocus(moveFocus(this.focusIndex, key, layout.columns, this.grid.total(), layout.rowsPerPage));
    if (extend) {
      if (this.anchor === null) this.anchor = from;
      void this.extendTo(this.focusIndex, false);
    } else if (!keepAnchor) {
      this.anchor = this.focusIndex;
    }
  }
}
