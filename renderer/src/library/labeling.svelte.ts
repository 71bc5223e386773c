// Keyboard labeling: a class key, clear, accept the model's suggestion, undo and redo. Both
// ways of labeling go through one quick-label sequence: the request goes out first, the focus
// moves on at once (so quick key presses label successive images, not the same one twice), and
// the cards are patched in place when the studio answers after its SQLite commit.
import type { StudioClient } from '../../../electron/ipc/client';
import { plural } from '../lib/format';
import type { Notices } from '../lib/notices.svelte';
import type { ClassRow, ImageRow, RequestOutput } from '../lib/types';
import type { LibraryFilters } from './filters.svelte';
import type { PageCache } from './page-cache';
import type { GridSelection } from './selection.svelte';

type LabelChange = RequestOutput<'labels:set'>;

export interface LabelingDeps {
  studio: StudioClient;
  notices: Notices;
  cache: PageCache;
  filters: LibraryFilters;
  selection: GridSelection;
  focused: () => ImageRow | undefined;
  classes: () => ReadonlyMap<number, ClassRow>;
  hasModel: () => boolean;
}

interface QuickLabel {
  ids: number[];
  single: boolean;
  /** The class the images end up with (null: none, or unknown per image for a bulk accept). */
  marker: number | null;
  request: () => Promise<LabelChange>;
  context: string;
  patch: (row: ImageRow) => ImageRow;
  keyTime: number;
  answered?: (change: LabelChange) => void;
}

export class Labeling {
  /** Move to the next image after labeling one. */
  advance = $state(true);
  /** Labels this page is setting right now: image id → class. */
  private readonly setting = new Map<number, number | null>();

  constructor(private readonly deps: LabelingDeps) {}

  /** Whether a label change the studio announced is the outcome of our own key press. */
  isOwn(imageIds: readonly number[]): boolean {
    return imageIds.length > 0 && imageIds.every((id) => this.setting.has(id));
  }

  /** Whether an image labelled `classId` drops out of the current view (so the next slides in). */
  private leavesView(classId: number | null, image: ImageRow | undefined): boolean {
    const { view, disagreements } = this.deps.filters;
    if (disagreements && (classId === null || classId === image?.prediction?.classId)) return true;
    return (view.kind === 'unlabeled' && classId !== null) || (view.kind === 'class' && classId !== view.classId);
  }

  private async quickLabel(q: QuickLabel): Promise<void> {
    const { notices, selection, filters, cache } = this.deps;
    const image = this.deps.focused();
    for (const id of q.ids) this.setting.set(id, q.marker);
    const pending = notices.guard(q.request, q.context);
    if (q.single && this.advance && !this.leavesView(q.marker, image)) selection.setFocus(selection.focusIndex + 1);
    const change = await pending;
    for (const id of q.ids) if (this.setting.get(id) === q.marker) this.setting.delete(id);
    if (!change) return;
    // Key press to committed label (the channel answers after the SQLite commit).
    performance.measure('studio:label-commit', { start: q.keyTime });
    q.answered?.(change);
    if (change.changed && !filters.labelsShapeView) cache.patch(new Set(change.imageIds), q.patch);
  }

  /** Labels the selected images, or the focused one, as `classId` (null clears). */
  async assign(classId: number | null, keyTime = performance.now()): Promise<void> {
    const { ids, single } = this.deps.selection.targets();
    if (!ids.length) return;
    await this.quickLabel({
      ids,
      single,
      marker: classId,
      request: () => this.deps.studio.invoke('labels:set', { imageIds: ids, classId }),
      context: 'Could not label',
      patch: (row) => ({ ...row, classId, labelSource: classId === null ? null : 'human', confidence: null }),
      keyTime,
    });
  }

  /** A number key: the class with that shortcut. */
  assignKey(key: number, keyTime: number): void {
    const cls = [...this.deps.classes().values()].find((c) => c.shortcut === key);
    if (cls) void this.assign(cls.id, keyTime);
    else this.deps.notices.info(`No class has key ${key}. Give one that key under Classes.`);
  }

  /** A: the focused (or selected) images take the model's suggestion, as one undoable action. */
  async acceptSuggestion(keyTime = performance.now()): Promise<void> {
    const { notices, selection } = this.deps;
    if (!this.deps.hasModel()) {
      notices.info('There are no suggestions yet: train a model first (Train).');
      return;
    }
    const { ids, single } = selection.targets();
    const image = this.deps.focused();
    let marker: number | null = null;
    if (single) {
      if (!image) return;
      const suggested = image.prediction?.classId ?? null;
      if (suggested === null || !this.deps.classes().has(suggested)) {
        notices.info('The model has no suggestion for this image (it was added after the last training).');
        return;
      }
      if (image.classId === suggested) {
        if (this.advance) selection.setFocus(selection.focusIndex + 1);
        return;
      }
      marker = suggested;
    }
    await this.quickLabel({
      ids: single ? [image!.id] : ids,
      single,
      marker,
      request: () => this.deps.studio.invoke('labels:acceptSuggestions', { imageIds: single ? [image!.id] : ids }),
      context: 'Could not accept the suggestion',
      patch: (row) => (row.prediction ? { ...row, classId: row.prediction.classId, labelSource: 'model', confidence: row.prediction.confidence } : row),
      keyTime,
      answered: (change) => {
        if (!single) notices.info(change.changed ? `Accepted ${plural(change.changed, 'suggestion')}.` : 'No suggestion to accept among the selected images.');
      },
    });
  }

  async history(direction: 'undo' | 'redo'): Promise<void> {
    const { studio, notices, cache, selection } = this.deps;
    const change = await notices.guard(() => studio.invoke(direction === 'undo' ? 'labels:undo' : 'labels:redo', {}));
    if (!change) return;
    if (change.changed === 0) {
      notices.info(direction === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.');
      return;
    }
    notices.info(`${direction === 'undo' ? 'Undone' : 'Redone'}: ${plural(change.changed, 'label')}.`);
    const at = change.imageIds.length === 1 ? cache.indexOf(change.imageIds[0]!) : -1;
    if (at >= 0) selection.setFocus(at);
  }
}
