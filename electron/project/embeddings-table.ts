// The embeddings table: backbone features cached per (backbone, spec hash, image content hash,
// view). The cache (engine/embeddings/cache.ts) keeps these statements prepared for its life:
// it reads one vector per training example, so each read must not re-prepare its query.
import type { Db } from './database.js';

export function embeddingStatements(db: Db) {
  const range = 'FROM embeddings WHERE backbone_id = ? AND spec_hash = ? AND image_hash BETWEEN ? AND ?';
  return {
    // raw(): rows as arrays, cheaper than objects on the training hot path (one read per vector).
    get: db.prepare('SELECT dtype, data FROM embeddings WHERE backbone_id = ? AND spec_hash = ? AND image_hash = ? AND view = ?').raw(),
    has: db.prepare('SELECT 1 FROM embeddings WHERE backbone_id = ? AND spec_hash = ? AND image_hash = ? AND view = ?').pluck(),
    put: db.prepare('INSERT OR REPLACE INTO embeddings (backbone_id, spec_hash, image_hash, view, dtype, data) VALUES (?, ?, ?, ?, ?, ?)'),
    countSpec: db.prepare('SELECT count(*) FROM embeddings WHERE backbone_id = ? AND spec_hash = ?').pluck(),
    range: db.prepare(`SELECT image_hash, view, dtype, data ${range}`).raw(),
    keysInRange: db.prepare(`SELECT image_hash, view ${range}`).raw(),
    deleteBackbone: db.prepare('DELETE FROM embeddings WHERE backbone_id = ?'),
  };
}
