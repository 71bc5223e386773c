// The library grid's page cache: fetches only pages on screen, newest wish first, a few at a
// time; keeps stale rows on screen until fresh ones arrive; drops answers to an old query.
import { describe, expect, it } from 'vitest';
import type { ImageRow } from '../../electron/domain/schemas.js';
import { PageCache, type Page } from '../../renderer/src/library/page-cache.js';

function rowOf(id: number, classId: number | null = null): ImageRow {
  return { id, hash: String(id), path: `/p/${id}.jpg`, byteSize: 1, width: 1, height: 1, format: 'jpeg', split: 'train', status: 'ok', classId, labelSource: null, confidence: null, prediction: null };
}

/** A fake images:page whose answers the test releases by hand. */
function server(total: number, classOf: (id: number) => number | null = () => null) {
  const calls: Array<{ offset: number; limit: number; resolve: () => void }> = [];
  const fetchPage = (offset: number, limit: number) =>
    new Promise<Page>((resolve) => {
      calls.push({
        offset,
        limit,
        resolve: () => resolve({ total, rows: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => rowOf(offset + i + 1, classOf(offset + i + 1))) }),
      });
    });
  return { calls, fetchPage };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('page cache', () => {
  it('fetches the pages on screen, at most two at a time, and skips pages scrolled past meanwhile', async () => {
    const s = server(100_000);
    let changes = 0;
    const cache = new PageCache(s.fetchPage, { pageSize: 100, onChange: () => changes++ });
    cache.want(0, 150);
    expect(s.calls.map((c) => c.offset)).toEqual([0, 100]);
    // A fast scroll: the user is far below before the first answers come back.
    cache.want(50_000, 50_120);
    cache.want(99_950, 100_000);
    s.calls[0]!.resolve();
    s.calls[1]!.resolve();
    await settle();
    expect(s.calls.map((c) => c.offset)).toEqual([0, 100, 99_900]);
    s.calls[2]!.resolve();
    await settle();
    expect(cache.total).toBe(100_000);
    expect(cache.row(99_999)?.id).toBe(100_000);
    expect(cache.row(50_000)).toBeUndefined();
    expect(changes).toBe(3);
  });

  it('keeps stale rows on screen after a change and replaces them with fresh ones', async () => {
    let labelled = false;
    const s = server(300, (id) => (labelled && id === 5 ? 1 : null));
    const cache = new PageCache(s.fetchPage, { pageSize: 100, onChange: () => undefined });
    cache.want(0, 50);
    s.calls[0]!.resolve();
    await settle();
    labelled = true;
    cache.invalidate();
    expect(cache.row(4)).toMatchObject({ id: 5, classId: null });
    expect(s.calls).toHaveLength(2);
    s.calls[1]!.resolve();
    await settle();
    expect(cache.row(4)).toMatchObject({ id: 5, classId: 1 });
    expect(cache.indexOf(5)).toBe(4);
    expect(cache.indexOf(250)).toBe(-1);
  });

  it('drops answers to a query that was replaced', async () => {
    const old = server(1000);
    const fresh = server(7);
    const cache = new PageCache(old.fetchPage, { pageSize: 100, onChange: () => undefined });
    cache.want(0, 50);
    cache.reset(fresh.fetchPage);
    expect(cache.total).toBeNull();
    expect(fresh.calls).toHaveLength(1);
    old.calls[0]!.resolve();
    await settle();
    expect(cache.total).toBeNull();
    fresh.calls[0]!.resolve();
    await settle();
    expect(cache.total).toBe(7);
    expect(cache.row(6)?.id).toBe(7);
  });

  it('forgets the least recently seen pages beyond its budget, never those on screen', async () => {
    const s = server(10_000);
    const cache = new PageCache(s.fetchPage, { pageSize: 10, maxPages: 3, maxInflight: 10, onChange: () => undefined });
    for (const start of [0, 100, 200, 300]) {
      cache.want(start, start + 10);
      s.calls.at(-1)!.resolve();
      await settle();
    }
    expect(cache.row(300)).toBeDefined();
    expect(cache.row(0)).toBeUndefined();
    expect([100, 200].every((i) => cache.row(i) !== undefined)).toBe(true);
  });

  it('reports a failed page once and tries it again after the next change', async () => {
    const errors: unknown[] = [];
    let fail = true;
    let calls = 0;
    const cache = new PageCache(
      async (offset, limit) => {
        calls++;
        if (fail) throw new Error('gone');
        return { total: 5, rows: Array.from({ length: Math.min(limit, 5 - offset) }, (_, i) => rowOf(i + 1)) };
      },
      { pageSize: 10, onChange: () => undefined, onError: (e) => errors.push(e) },
    );
    cache.want(0, 5);
    await settle();
    cache.want(0, 5);
    await settle();
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    fail = false;
    cache.invalidate();
    await settle();
    expect(cache.total).toBe(5);
  });
});

describe('page cache patches', () => {
  it('rewrites the loaded rows of a change whose outcome is known, without a request', async () => {
    const s = server(300);
    let changes = 0;
    const cache = new PageCache(s.fetchPage, { pageSize: 100, onChange: () => changes++ });
    cache.want(0, 50);
    s.calls[0]!.resolve();
    await settle();
    const before = changes;
    expect(cache.patch(new Set([3, 250]), (row) => ({ ...row, classId: 9 }))).toBe(true);
    expect(cache.row(2)).toMatchObject({ id: 3, classId: 9 });
    expect(cache.row(3)).toMatchObject({ id: 4, classId: null });
    expect(changes).toBe(before + 1);
    expect(cache.patch(new Set([250]), (row) => ({ ...row, classId: 9 }))).toBe(false);
    expect(s.calls).toHaveLength(1);
  });
});
