// What the library grid shows: the view (all, unlabeled, a class), split, file-name search,
// order, an explicit list of images ("show these"), and the model's filters. It turns them into
// the contract's ImageFilter, and resets them in one place.
import { MAX_FILTER_IDS } from '../../../electron/domain/schemas';
import type { ImageFilter, ImageSort, Split } from '../lib/types';

export type View = { kind: 'all' } | { kind: 'unlabeled' } | { kind: 'class'; classId: number };
export interface Only {
  ids: number[];
  title: string;
}

/** Typing settles for this long before the search runs. */
const SEARCH_SETTLE_MS = 200;

export class LibraryFilters {
  view = $state<View>({ kind: 'all' });
  split = $state<Split | ''>('');
  /** The search field as typed; `search` follows it once typing settles. */
  searchText = $state('');
  search = $state('');
  sort = $state<ImageSort>('added');
  only = $state.raw<Only | null>(null);
  predictedClass = $state<number | ''>('');
  disagreements = $state(false);
  maxConfidence = $state<number | ''>('');

  readonly filter = $derived.by((): ImageFilter => {
    const f: ImageFilter = {};
    if (this.view.kind === 'unlabeled') f.unlabeled = true;
    if (this.view.kind === 'class') f.classId = this.view.classId;
    if (this.split) f.split = this.split;
    if (this.search) f.nameContains = this.search;
    if (this.only) f.imageIds = this.only.ids;
    if (this.predictedClass !== '') f.predictedClassId = this.predictedClass;
    if (this.disagreements) f.disagreements = true;
    if (this.maxConfidence !== '') f.maxConfidence = this.maxConfidence;
    return f;
  });
  /** Whether a label change can move images in or out of the view (so it must be refetched). */
  readonly labelsShapeView = $derived(this.view.kind !== 'all' || this.disagreements);
  readonly filtered = $derived(Object.keys(this.filter).length > 0);
  readonly sortsByModel = $derived(this.sort === 'uncertain' || this.sort === 'loss');

  /**
   * Every filter off; with `only`, just those images (capped at what the contract accepts,
   * the number cut returned), in `sort` order when given.
   */
  reset(only: Only | null = null, sort?: ImageSort): { dropped: number } {
    const ids = only?.ids ?? [];
    this.only = only && ids.length ? { ids: ids.slice(0, MAX_FILTER_IDS), title: only.title } : null;
    this.view = { kind: 'all' };
    this.split = '';
    this.searchText = this.search = '';
    this.predictedClass = this.maxConfidence = '';
    this.disagreements = false;
    if (sort) this.sort = sort;
    return { dropped: Math.max(0, ids.length - MAX_FILTER_IDS) };
  }

  /** No model (any more): its filters and orders have nothing to work on. */
  clearModelFilters(): void {
    this.predictedClass = this.maxConfidence = '';
    this.disagreements = false;
    if (this.sortsByModel) this.sort = 'added';
  }

  /** A class that went away (merged, deleted) can no longer be the view. */
  dropMissingClass(exists: (classId: number) => boolean): void {
    if (this.view.kind === 'class' && !exists(this.view.classId)) this.view = { kind: 'all' };
  }

  /** Follows the search field once typing settles; returns the cleanup for an effect. */
  settleSearch(): () => void {
    const text = this.searchText.trim();
    const timer = setTimeout(() => (this.search = text), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }
}
