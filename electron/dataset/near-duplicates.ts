// Near duplicates: images that are the same picture re-encoded, resized or lightly edited.
// Today they are found by perceptual hash (64-bit dHash, Hamming distance); the engine caches
// backbone embeddings per content hash, and a finder based on their cosine similarity plugs
// in through NearDuplicateFinder without changing the health check or the split assignment.
import type { Db } from '../project/database.js';
import { dhashedImages } from '../project/images.js';
import { pushTo } from './collections.js';
import { popcount32 } from './pixel-stats.js';

export interface NearDuplicateGroup {
  imageIds: number[];
  /** Largest distance of the pairs that joined the group (Hamming bits for dHash). */
  distance: number;
}

export interface NearDuplicateFinder {
  /** Recorded with health reports: 'dhash', or e.g. 'embedding:mobilenet_v2'. */
  readonly method: string;
  /** Groups of two or more images, or null when this finder has nothing to work with. */
  find(db: Db): NearDuplicateGroup[] | null;
}

/**
 * Hamming distance at or below which two dHashes count as the same picture. Re-encoding and
 * resizing move a dHash by 0-3 bits; across the 600 distinct fixture photos the closest pair
 * is 11 bits apart.
 */
export const DHASH_MAX_DISTANCE = 5;

export interface HashedImage {
  id: number;
  dhash: string;
}

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(x: number): number {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    let node = x;
    while (node !== root) {
      const next = this.parent.get(node) ?? root;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
}

/** Bit ranges that split 64 bits into `parts` nearly equal chunks. */
function chunkRanges(parts: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < parts; i++) ranges.push([Math.floor((i * 64) / parts), Math.floor(((i + 1) * 64) / parts)]);
  return ranges;
}

const lowBits = (value: number, width: number) => (width >= 32 ? value >>> 0 : (value >>> 0) % 2 ** width);

/** Bits start..end-1 (0 = most significant of 64) as a number; chunks are at most 32 bits wide. */
function bitsOf(hi: number, lo: number, start: number, end: number): number {
  if (end <= 32) return lowBits(hi >>> (32 - end), end - start);
  if (start >= 32) return lowBits(lo >>> (64 - end), end - start);
  const fromLo = end - 32;
  return lowBits(hi, 32 - start) * 2 ** fromLo + (lo >>> (32 - fromLo));
}

/**
 * Groups images whose dHashes are within `maxDistance` bits. Multi-index search: split the
 * 64 bits into maxDistance + 1 chunks; two hashes that close agree exactly on at least one
 * chunk (pigeonhole), so only images sharing a chunk value are compared. Identical hashes are
 * folded first, so a thousand blank frames cost one comparison, not half a million.
 */
export function groupByDhash(images: readonly HashedImage[], maxDistance = DHASH_MAX_DISTANCE): NearDuplicateGroup[] {
  const uf = new UnionFind();
  const groupDistance = new Map<number, number>();
  const byHash = new Map<string, number[]>();
  for (const image of images) {
    if (!/^[0-9a-f]{16}$/.test(image.dhash)) continue;
    pushTo(byHash, image.dhash, image.id);
  }
  const reps = [...byHash.entries()].map(([dhash, ids]) => {
    for (const id of ids.slice(1)) uf.union(ids[0]!, id);
    return { id: ids[0]!, hi: parseInt(dhash.slice(0, 8), 16) >>> 0, lo: parseInt(dhash.slice(8), 16) >>> 0 };
  });
  const joined: Array<[number, number, number]> = [];
  for (const [start, end] of chunkRanges(maxDistance + 1)) {
    const buckets = new Map<number, number[]>();
    reps.forEach((rep, index) => {
      pushTo(buckets, bitsOf(rep.hi, rep.lo, start, end), index);
    });
    for (const bucket of buckets.values()) {
      for (let x = 0; x < bucket.length; x++) {
        const a = reps[bucket[x]!]!;
        for (let y = x + 1; y < bucket.length; y++) {
          const b = reps[bucket[y]!]!;
          // A pair sharing several chunks is found once per chunk; union() does not mind.
          const distance = popcount32(a.hi ^ b.hi) + popcount32(a.lo ^ b.lo);
          if (distance <= maxDistance) joined.push([a.id, b.id, distance]);
        }
      }
    }
  }
  for (const [a, b] of joined) uf.union(a, b);
  for (const [a, , distance] of joined) {
    const root = uf.find(a);
    groupDistance.set(root, Math.max(groupDistance.get(root) ?? 0, distance));
  }
  const groups = new Map<number, number[]>();
  for (const image of images) {
    if (!byHash.has(image.dhash)) continue;
    pushTo(groups, uf.find(image.id), image.id);
  }
  return [...groups.entries()]
    .filter(([, ids]) => ids.length > 1)
    .map(([root, ids]) => ({ imageIds: ids.sort((a, b) => a - b), distance: groupDistance.get(root) ?? 0 }))
    .sort((a, b) => a.imageIds[0]! - b.imageIds[0]!);
}

/** The perceptual-hash finder over every image with a dHash (present or not). */
export const dhashFinder: NearDuplicateFinder = {
  method: 'dhash',
  find(db) {
    return groupByDhash(dhashedImages(db));
  },
};

/** The first finder that has something to say; dHash is always the last resort. */
export function findNearDuplicates(db: Db, finders: readonly NearDuplicateFinder[] = []): { method: string; groups: NearDuplicateGroup[] } {
  for (const finder of [...finders, dhashFinder]) {
    const groups = finder.find(db);
    if (groups) return { method: finder.method, groups };
  }
  return { method: 'none', groups: [] };
}
