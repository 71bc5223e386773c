// The vectors a run holds in memory while its head trains (EmbeddingCache.keepInMemory) read
// back exactly as from SQLite, in any order and mixed with keys that stayed on disk; a write
// drops them, so a changed vector is never served stale.
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddingCache, type CacheKey } from '../../electron/engine/embeddings/cache.js';
import { createProject, type Project } from '../../electron/project/project.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIM = 16;
const key = (i: number, view = i % 2): CacheKey => ({ imageHash: createHash('sha256').update(String(i)).digest('hex'), view, specHash: view ? 'view-1-spec' : 'view-0-spec' });
const vectorOf = (i: number, shift = 0) => Float32Array.from({ length: DIM }, (_, d) => Math.sin(i * 31 + d + shift));

describe('embedding cache held in memory', () => {
  let tmp: ReturnType<typeof tempDir>;
  let project: Project;
  let cache: EmbeddingCache;
  const keys = Array.from({ length: 60 }, (_, i) => key(i));

  beforeEach(() => {
    tmp = tempDir('studio-resident-');
    project = createProject(path.join(tmp.dir, 'project'));
    cache = new EmbeddingCache(project.db, 'backbone', DIM);
    const all = new Float32Array(keys.length * DIM);
    keys.forEach((_, i) => all.set(vectorOf(i), i * DIM));
    cache.putMany(keys, all);
  });
  afterEach(() => {
    project.close();
    tmp.cleanup();
  });

  const stored = (order: CacheKey[]) => {
    const out = new Float32Array(order.length * DIM);
    cache.readKeys(order, out);
    return out;
  };

  it('reads the same values from memory, mixed with keys read from SQLite, into the rows asked for', () => {
    const order = [...keys].reverse();
    const fromDisk = stored(order);
    // Room for 25 vectors: the rest stays on disk.
    expect(cache.keepInMemory(keys.slice(10), 25 * DIM * 4)).toBe(25);
    const rows = order.map((_, i) => order.length - 1 - i);
    const mixed = new Float32Array(order.length * DIM);
    cache.readKeys(order, mixed, rows);
    order.forEach((_, i) => expect(mixed.subarray(rows[i]! * DIM, (rows[i]! + 1) * DIM)).toEqual(fromDisk.subarray(i * DIM, (i + 1) * DIM)));
    expect(() => cache.readKeys([key(999)], new Float32Array(DIM))).toThrow(/not cached/);
  });

  it('drops what it holds on the next write', () => {
    cache.keepInMemory(keys);
    const changed = vectorOf(3, 100);
    cache.putMany([keys[3]!], changed);
    const back = stored([keys[3]!]);
    // float16 storage: half precision of the new vector, not the old one held before.
    back.forEach((x, d) => expect(Math.abs(x - changed[d]!)).toBeLessThan(2e-3));
    expect(Math.abs(back[0]! - vectorOf(3)[0]!)).toBeGreaterThan(1e-2);
  });
});
