// The grid's window onto images:page. Only pages that are on screen are fetched, the newest
// wish first, a few at a time, so dragging the scrollbar across 100,000 images does not queue
// hundreds of requests for pages already scrolled past. After a change (a label) pages turn
// stale but stay shown until their fresh copy arrives, so cards never blank out.
import type { ImageRow } from '../lib/types';

export interface Page {
  total: number;
  rows: ImageRow[];
}
export type FetchPage = (offset: number, limit: number) => Promise<Page>;

interface Cached {
  rows: ImageRow[];
  version: number;
  used: number;
}

export interface PageCacheOptions {
  pageSize?: number;
  maxPages?: number;
  maxInflight?: number;
  onChange: () => void;
  onError?: (error: unknown) => void;
}

export class PageCache {
  /** Rows the filter matches; null until the first page answers. */
  total: number | null = null;
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly maxInflight: number;
  private pages = new Map<number, Cached>();
  private inflight = new Set<number>();
  private failed = new Set<number>();
  private wanted: number[] = [];
  /** Bumped by reset: answers for an older query are dropped. */
  private generation = 0;
  /** Bumped by invalidate: pages fetched before it are stale. */
  private version = 0;
  private clock = 0;

  constructor(
    private fetchPage: FetchPage,
    private readonly options: PageCacheOptions,
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.maxPages = options.maxPages ?? 60;
    this.maxInflight = options.maxInflight ?? 2;
  }

  row(index: number): ImageRow | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.rows[index % this.pageSize];
  }

  /** Index of a loaded image, or -1 when its page is not loaded. */
  indexOf(imageId: number): number {
    for (const [p, page] of this.pages) {
      const i = page.rows.findIndex((r) => r.id === imageId);
      if (i >= 0) return p * this.pageSize + i;
    }
    return -1;
  }

  /** Rows in [start, end) are on screen: fetch what is missing or stale, those first. */
  want(start: number, end: number): void {
    const first = Math.max(0, Math.floor(start / this.pageSize));
    const last = Math.max(first, Math.floor(Math.max(start, end - 1) / this.pageSize));
    const wanted: number[] = [];
    for (let p = first; p <= last; p++) {
      if (this.total !== null && p * this.pageSize >= Math.max(this.total, 1)) break;
      wanted.push(p);
    }
    const now = ++this.clock;
    for (const p of wanted) {
      const page = this.pages.get(p);
      if (page) page.used = now;
    }
    this.wanted = wanted;
    this.pump();
  }

  /** Rewrites loaded rows in place (a change whose outcome is known); true when any was loaded. */
  patch(ids: ReadonlySet<number>, update: (row: ImageRow) => ImageRow): boolean {
    let touched = false;
    for (const page of this.pages.values()) {
      page.rows = page.rows.map((row) => {
        if (!ids.has(row.id)) return row;
        touched = true;
        return update(row);
      });
    }
    if (touched) this.options.onChange();
    return touched;
  }

  /** The data changed (labels, classes): refetch what is on screen, keep showing it meanwhile. */
  invalidate(): void {
    this.version++;
    this.failed.clear();
    this.pump();
  }

  /** A new query (filter or sort): forget every row; what was on screen is fetched anew. */
  reset(fetchPage: FetchPage = this.fetchPage): void {
    this.fetchPage = fetchPage;
    this.generation++;
    this.version++;
    this.pages.clear();
    this.inflight.clear();
    this.failed.clear();
    this.total = null;
    this.options.onChange();
    this.pump();
  }

  private needs(p: number): boolean {
    if (this.inflight.has(p) || this.failed.has(p)) return false;
    const page = this.pages.get(p);
    return !page || page.version < this.version;
  }

  private pump(): void {
    for (const p of this.wanted) {
      if (this.inflight.size >= this.maxInflight) return;
      if (this.needs(p)) void this.load(p);
    }
  }

  private async load(p: number): Promise<void> {
    const generation = this.generation;
    const version = this.version;
    this.inflight.add(p);
    try {
      const page = await this.fetchPage(p * this.pageSize, this.pageSize);
      if (generation !== this.generation) return;
      this.pages.set(p, { rows: page.rows, version, used: ++this.clock });
      this.total = page.total;
      this.evict();
      this.options.onChange();
    } catch (error) {
      if (generation !== this.generation) return;
      this.failed.add(p);
      this.options.onError?.(error);
    } finally {
      if (generation === this.generation) {
        this.inflight.delete(p);
        this.pump();
      }
    }
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const keep = new Set(this.wanted);
    const byAge = [...this.pages].filter(([p]) => !keep.has(p)).sort((a, b) => a[1].used - b[1].used);
    for (const [p] of byAge.slice(0, this.pages.size - this.maxPages)) this.pages.delete(p);
  }
}
