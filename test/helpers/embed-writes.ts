// Counts every write into a project's embedding cache, from any process or thread, with a
// trigger stored in the project database itself: "nothing embedded twice" is then a query.
import type { Db } from '../../electron/project/database.js';

export function recordEmbeddingWrites(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS test_embedding_writes (backbone_id TEXT, spec_hash TEXT, image_hash TEXT, view INTEGER);
    CREATE TRIGGER IF NOT EXISTS test_embedding_writes_trigger AFTER INSERT ON embeddings
    BEGIN INSERT INTO test_embedding_writes VALUES (new.backbone_id, new.spec_hash, new.image_hash, new.view); END;
  `);
}

/** Writes per (backbone, spec, image, view) for view 0: how often each vector was computed. */
export function viewZeroWrites(db: Db): { total: number; distinct: number; twice: number } {
  return db
    .prepare(
      `SELECT count(*) AS total, count(DISTINCT backbone_id || spec_hash || image_hash) AS "distinct",
              (SELECT count(*) FROM (SELECT 1 FROM test_embedding_writes WHERE view = 0 GROUP BY backbone_id, spec_hash, image_hash HAVING count(*) > 1)) AS twice
       FROM test_embedding_writes WHERE view = 0`,
    )
    .get() as { total: number; distinct: number; twice: number };
}

/** Writes per (backbone, spec, image, view) over every view. */
export function allViewWrites(db: Db): { total: number; distinct: number; twice: number } {
  return db
    .prepare(
      `SELECT count(*) AS total, count(DISTINCT backbone_id || spec_hash || image_hash || ':' || view) AS "distinct",
              (SELECT count(*) FROM (SELECT 1 FROM test_embedding_writes GROUP BY backbone_id, spec_hash, image_hash, view HAVING count(*) > 1)) AS twice
       FROM test_embedding_writes`,
    )
    .get() as { total: number; distinct: number; twice: number };
}
