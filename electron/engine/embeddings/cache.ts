// The embedding cache in the project's SQLite, keyed by (backbone, spec hash, image content
// hash, view). Reads go straight into a caller's batch buffer so training memory stays one
// batch wide whatever the dataset size.
import { createHash } from 'node:crypto';
import type { Augmentation, Preprocessing } from '../../domain/schemas.js';
import { inTransaction, type Db } from '../../project/database.js';
import { embeddingStatements } from '../../project/embeddings-table.js';
import { fromFloat16, toFloat16 } from './float16.js';
import { planShards } from './shards.js';

export type EmbeddingDtype = 'float32' | 'float16';

/** Bumped when the augmentation code changes what a view looks like (cached views go stale). */
const AUGMENT_VERSION = 3;

/** Vectors a run may hold decoded in memory (keepInMemory): 50,000 rows of 1280 values. */
const RESIDENT_BYTES = 256 * 1024 * 1024;

/** A range scan is used while the span read holds at most this many rows per wanted one. */
const MAX_SCAN_WASTE = 2;

/** View 0 depends only on preprocessing; augmented views also on the augmentation and seed. */
export function specHash(preprocessing: Preprocessing, view: number, augmentation: Augmentation, seed: number): string {
  const key = view === 0 ? { preprocessing } : { preprocessing, augmentation, seed, augmentVersion: AUGMENT_VERSION };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
}

export interface CacheKey {
  imageHash: string;
  view: number;
  specHash: string;
}

export class EmbeddingCache {
  private readonly getStmt;
  private readonly hasStmt;
  private readonly putStmt;
  private readonly countSpecStmt;
  private readonly rangeStmt;
  private readonly keysInRangeStmt;
  private readonly deleteStmt;
  /** Rows per spec hash, counted once (counting walks every row: 2.5 µs each) until a write. */
  private readonly specRows = new Map<string, number>();
  /** Vectors held decoded in memory (keepInMemory): the row of each key in `values`. */
  private resident: { rowOf: Map<string, number>; values: Float32Array } | null = null;

  constructor(
    private readonly db: Db,
    readonly backboneId: string,
    readonly dim: number,
    readonly dtype: EmbeddingDtype = 'float16',
  ) {
    const statements = embeddingStatements(db);
    this.getStmt = statements.get;
    this.hasStmt = statements.has;
    this.putStmt = statements.put;
    this.countSpecStmt = statements.countSpec;
    this.rangeStmt = statements.range;
    this.keysInRangeStmt = statements.keysInRange;
    this.deleteStmt = statements.deleteBackbone;
  }

  /**
   * Deletes every vector of this cache's backbone id. For caches that belong to one run (a
   * fine-tune's tuned embeddings, `backbone@run-N`) once nothing will read them; returns the rows deleted.
   */
  dropAll(): number {
    this.specRows.clear();
    this.resident = null;
    return this.deleteStmt.run(this.backboneId).changes;
  }

  has(key: CacheKey): boolean {
    return this.hasStmt.get(this.backboneId, key.specHash, key.imageHash, key.view) !== undefined;
  }

  /** Writes many vectors in one transaction: `vectors` holds keys.length * dim values. */
  putMany(keys: readonly CacheKey[], vectors: Float32Array): void {
    this.specRows.clear();
    this.resident = null;
    inTransaction(this.db, () => {
      keys.forEach((key, i) => {
        const slice = vectors.subarray(i * this.dim, (i + 1) * this.dim);
        const typed = this.dtype === 'float16' ? toFloat16(slice) : Float32Array.from(slice);
        this.putStmt.run(this.backboneId, key.specHash, key.imageHash, key.view, this.dtype, Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength));
      });
    });
  }

  /** Copies one cached vector into `out` at `offset`; false when it is not cached. */
  readInto(key: CacheKey, out: Float32Array, offset: number): boolean {
    const row = this.getStmt.get(this.backboneId, key.specHash, key.imageHash, key.view) as [EmbeddingDtype, Buffer] | undefined;
    if (!row) return false;
    decodeVector(row[0], row[1], this.dim, out, offset);
    return true;
  }

  /**
   * Reads keys[i] into row rows[i] (default i) of `out`; throws naming a key that is missing.
   * A point lookup costs SQLite a B-tree descent and an overflow page per vector (15-25 µs at
   * 1280 values, measured), a range scan about half that per row: so the keys of each spec hash
   * are read by one query over their span of image hashes when that span holds few other rows
   * (keys that sit together in hash order, as shards.ts groups them), else one by one.
   */
  readKeys(keys: readonly CacheKey[], out: Float32Array, rows?: ArrayLike<number>): void {
    const resident = this.resident;
    if (!resident) return this.readStored(keys, out, rows);
    const dim = this.dim;
    const restKeys: CacheKey[] = [];
    const restRows: number[] = [];
    keys.forEach((key, i) => {
      const row = rows ? rows[i]! : i;
      const at = resident.rowOf.get(keyId(key));
      if (at === undefined) {
        restKeys.push(key);
        restRows.push(row);
      } else out.set(resident.values.subarray(at * dim, (at + 1) * dim), row * dim);
    });
    if (restKeys.length > 0) this.readStored(restKeys, out, restRows);
  }

  /**
   * Holds these vectors decoded in memory, in order, up to `maxBytes`: a head reads its training
   * rows every epoch (and its validation rows after each), and from SQLite each pass costs range
   * scans and float16 decoding — 0.35 s of CPU per epoch for 14,000 rows at 1280 values,
   * measured, which at 10,000 photos was a large share of the first Train. Dropped on the next
   * write. Returns how many are held.
   */
  keepInMemory(keys: readonly CacheKey[], maxBytes = RESIDENT_BYTES): number {
    this.resident = null;
    const distinct = [...new Map(keys.map((key) => [keyId(key), key])).values()].slice(0, Math.floor(maxBytes / (this.dim * 4)));
    if (distinct.length === 0) return 0;
    const values = new Float32Array(distinct.length * this.dim);
    this.readStored(distinct, values);
    this.resident = { rowOf: new Map(distinct.map((key, i) => [keyId(key), i])), values };
    return distinct.length;
  }

  private readStored(keys: readonly CacheKey[], out: Float32Array, rows?: ArrayLike<number>): void {
    const rowOf = new Map<string, number[]>();
    keys.forEach((key, i) => {
      const id = keyId(key);
      const row = rows ? rows[i]! : i;
      const existing = rowOf.get(id);
      if (existing) existing.push(row);
      else rowOf.set(id, [row]);
    });
    const missing = (key: CacheKey) => new Error(`embedding for ${key.imageHash.slice(0, 12)} view ${key.view} is not cached`);
    for (const span of this.spans(keys)) {
      if (!span.scan) {
        for (const key of span.keys) for (const row of rowOf.get(keyId(key))!) if (!this.readInto(key, out, row * this.dim)) throw missing(key);
        continue;
      }
      for (const [hash, view, dtype, data] of this.rangeStmt.all(this.backboneId, span.spec, span.lo, span.hi) as Array<[string, number, EmbeddingDtype, Buffer]>) {
        const id = `${span.spec}:${hash}:${view}`;
        const targets = rowOf.get(id);
        if (!targets) continue;
        rowOf.delete(id);
        const first = targets[0]! * this.dim;
        decodeVector(dtype, data, this.dim, out, first);
        for (const row of targets.slice(1)) out.copyWithin(row * this.dim, first, first + this.dim);
      }
      const notFound = span.keys.find((key) => rowOf.has(keyId(key)));
      if (notFound) throw missing(notFound);
    }
  }

  /** Which keys are cached, in order; like readKeys, by key-only range scans where they pay. */
  hasMany(keys: readonly CacheKey[]): boolean[] {
    const result = new Array<boolean>(keys.length).fill(false);
    // Shard by shard, so the set of keys seen stays small whatever the number of keys.
    for (const shard of planShards(keys.map((key, index) => ({ key, index })))) {
      const present = new Set<string>();
      for (const span of this.spans(shard.map((s) => s.key))) {
        if (!span.scan) {
          for (const key of span.keys) if (this.has(key)) present.add(keyId(key));
          continue;
        }
        for (const [hash, view] of this.keysInRangeStmt.all(this.backboneId, span.spec, span.lo, span.hi) as Array<[string, number]>) present.add(`${span.spec}:${hash}:${view}`);
      }
      for (const s of shard) result[s.index] = present.has(keyId(s.key));
    }
    return result;
  }

  /** The distinct keys per spec hash, the span of image hashes they cover, and whether to scan it. */
  private spans(keys: readonly CacheKey[]): Array<{ spec: string; keys: CacheKey[]; lo: string; hi: string; scan: boolean }> {
    const bySpec = new Map<string, Map<string, CacheKey>>();
    for (const key of keys) {
      let group = bySpec.get(key.specHash);
      if (!group) bySpec.set(key.specHash, (group = new Map()));
      group.set(keyId(key), key);
    }
    return [...bySpec].map(([spec, group]) => {
      const distinct = [...group.values()];
      let lo = distinct[0]!.imageHash;
      let hi = lo;
      for (const key of distinct) {
        if (key.imageHash < lo) lo = key.imageHash;
        if (key.imageHash > hi) hi = key.imageHash;
      }
      return { spec, keys: distinct, lo, hi, scan: this.estimateRows(spec, lo, hi) <= distinct.length * MAX_SCAN_WASTE };
    });
  }

  /** Rows of `spec` with image hashes in [lo, hi]: content hashes are uniform, so its share of the hash space. */
  private estimateRows(spec: string, lo: string, hi: string): number {
    let rows = this.specRows.get(spec);
    if (rows === undefined) {
      rows = this.countSpecStmt.get(this.backboneId, spec) as number;
      this.specRows.set(spec, rows);
    }
    return rows * (hashFraction(hi) - hashFraction(lo));
  }

  /** Reads a batch; throws naming the first key that is missing. */
  readBatch(keys: readonly CacheKey[], out: Float32Array = new Float32Array(keys.length * this.dim)): Float32Array {
    keys.forEach((key, i) => {
      if (!this.readInto(key, out, i * this.dim)) throw new Error(`embedding for ${key.imageHash.slice(0, 12)} view ${key.view} is not cached`);
    });
    return out;
  }
}

const keyId = (key: CacheKey) => `${key.specHash}:${key.imageHash}:${key.view}`;

/** A blob as typed values; copied only when its bytes are not aligned for the view. */
function typedView<T>(data: Buffer, bytesPer: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T {
  if (data.byteOffset % bytesPer === 0) return make(data.buffer, data.byteOffset, data.byteLength / bytesPer);
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return make(copy.buffer, 0, data.byteLength / bytesPer);
}

function decodeVector(dtype: EmbeddingDtype, data: Buffer, dim: number, out: Float32Array, offset: number): void {
  const bytesPer = dtype === 'float16' ? 2 : 4;
  if (data.byteLength !== dim * bytesPer) throw new Error(`cached embedding has ${data.byteLength / bytesPer} values, expected ${dim}`);
  if (dtype === 'float16') fromFloat16(typedView(data, 2, (b, o, n) => new Uint16Array(b, o, n)), out, offset);
  else out.set(typedView(data, 4, (b, o, n) => new Float32Array(b, o, n)), offset);
}

/** Where a hex hash sits in the hash space, 0..1 (its first 48 bits). */
function hashFraction(hash: string): number {
  const value = Number.parseInt(hash.slice(0, 12).padEnd(12, '0'), 16);
  return Number.isFinite(value) ? value / 2 ** 48 : 0;
}
