// The embedding cache in the project's SQLite, keyed by (backbone, spec hash, image content
// hash, view). Reads go straight into a caller's batch buffer so training memory stays one
// batch wide whatever the dataset size.
import { createHash } from 'node:crypto';
import type { Augmentation, Preprocessing } from '../../ipc/schemas.js';
import type { Db } from '../../project/database.js';
import { fromFloat16, toFloat16 } from './float16.js';

export type EmbeddingDtype = 'float32' | 'float16';

/** Bumped when the augmentation code changes what a view looks like (cached views go stale). */
const AUGMENT_VERSION = 2;

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

  constructor(
    private readonly db: Db,
    readonly backboneId: string,
    readonly dim: number,
    readonly dtype: EmbeddingDtype = 'float16',
  ) {
    this.getStmt = db.prepare('SELECT dtype, data FROM embeddings WHERE backbone_id = ? AND spec_hash = ? AND image_hash = ? AND view = ?');
    this.hasStmt = db.prepare('SELECT 1 FROM embeddings WHERE backbone_id = ? AND spec_hash = ? AND image_hash = ? AND view = ?').pluck();
    this.putStmt = db.prepare(
      'INSERT OR REPLACE INTO embeddings (backbone_id, spec_hash, image_hash, view, dtype, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  has(key: CacheKey): boolean {
    return this.hasStmt.get(this.backboneId, key.specHash, key.imageHash, key.view) !== undefined;
  }

  /** Writes many vectors in one transaction: `vectors` holds keys.length * dim values. */
  putMany(keys: readonly CacheKey[], vectors: Float32Array): void {
    this.db.transaction(() => {
      keys.forEach((key, i) => {
        const slice = vectors.subarray(i * this.dim, (i + 1) * this.dim);
        const typed = this.dtype === 'float16' ? toFloat16(slice) : Float32Array.from(slice);
        this.putStmt.run(this.backboneId, key.specHash, key.imageHash, key.view, this.dtype, Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength));
      });
    })();
  }

  /** Copies one cached vector into `out` at `offset`; false when it is not cached. */
  readInto(key: CacheKey, out: Float32Array, offset: number): boolean {
    const row = this.getStmt.get(this.backboneId, key.specHash, key.imageHash, key.view) as { dtype: EmbeddingDtype; data: Buffer } | undefined;
    if (!row) return false;
    const bytes = new Uint8Array(row.data.byteLength);
    bytes.set(row.data);
    if (row.dtype === 'float16') {
      const halves = new Uint16Array(bytes.buffer);
      if (halves.length !== this.dim) throw new Error(`cached embedding has ${halves.length} values, expected ${this.dim}`);
      fromFloat16(halves, out, offset);
    } else {
      const floats = new Float32Array(bytes.buffer);
      if (floats.length !== this.dim) throw new Error(`cached embedding has ${floats.length} values, expected ${this.dim}`);
      out.set(floats, offset);
    }
    return true;
  }

  /** Reads a batch; throws naming the first key that is missing. */
  readBatch(keys: readonly CacheKey[], out: Float32Array = new Float32Array(keys.length * this.dim)): Float32Array {
    keys.forEach((key, i) => {
      if (!this.readInto(key, out, i * this.dim)) throw new Error(`embedding for ${key.imageHash.slice(0, 12)} view ${key.view} is not cached`);
    });
    return out;
  }
}
