// Schema history. Migration i takes a database at user_version i to i + 1; each runs in its
// own transaction together with the version bump, so a kill mid-migration leaves version i.
// Never edit a migration that has shipped: add the next one.
import type { Database } from 'better-sqlite3';

export type Migration = (db: Database) => void;

export const migrations: readonly Migration[] = [
  // 0 → 1: the foundation tables.
  (db) => {
    db.exec(`
      CREATE TABLE images (
        id         INTEGER PRIMARY KEY,
        hash       TEXT    NOT NULL UNIQUE,
        byte_size  INTEGER NOT NULL CHECK (byte_size >= 0),
        width      INTEGER,
        height     INTEGER,
        format     TEXT,
        split      TEXT    NOT NULL DEFAULT 'unassigned' CHECK (split IN ('train','val','test','unassigned')),
        status     TEXT    NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','missing','corrupt')),
        added_at   INTEGER NOT NULL
      );
      CREATE INDEX images_split ON images(split);

      -- One image (content) can live at several paths: exact duplicates are stored once.
      CREATE TABLE image_paths (
        id        INTEGER PRIMARY KEY,
        image_id  INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        path      TEXT    NOT NULL UNIQUE,
        mtime_ms  INTEGER,
        present   INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1))
      );
      CREATE INDEX image_paths_image ON image_paths(image_id);

      CREATE TABLE classes (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        color       TEXT    NOT NULL,
        sort_order  INTEGER NOT NULL,
        shortcut    INTEGER UNIQUE CHECK (shortcut BETWEEN 0 AND 9),
        created_at  INTEGER NOT NULL
      );

      -- Single-label classification: at most one label per image; no row = unlabeled.
      CREATE TABLE labels (
        image_id    INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        class_id    INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
        source      TEXT    NOT NULL CHECK (source IN ('human','import','model')),
        confidence  REAL,
        updated_at  INTEGER NOT NULL
      );
      CREATE INDEX labels_class ON labels(class_id);

      -- Label history for undo/redo: one action groups the changes of one user gesture.
      CREATE TABLE label_actions (
        id           INTEGER PRIMARY KEY,
        created_at   INTEGER NOT NULL,
        description  TEXT    NOT NULL,
        undone       INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0,1))
      );
      CREATE TABLE label_changes (
        action_id       INTEGER NOT NULL REFERENCES label_actions(id) ON DELETE CASCADE,
        image_id        INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        old_class_id    INTEGER,
        old_source      TEXT,
        old_confidence  REAL,
        new_class_id    INTEGER,
        new_source      TEXT,
        new_confidence  REAL,
        PRIMARY KEY (action_id, image_id)
      ) WITHOUT ROWID;

      CREATE TABLE runs (
        id            INTEGER PRIMARY KEY,
        created_at    INTEGER NOT NULL,
        started_at    INTEGER,
        finished_at   INTEGER,
        status        TEXT NOT NULL CHECK (status IN ('queued','running','done','failed','cancelled','interrupted')),
        backend       TEXT,
        embed_engine  TEXT,
        config        TEXT NOT NULL,
        timings       TEXT,
        metrics       TEXT,
        error         TEXT
      );
      CREATE TABLE run_epochs (
        run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch        INTEGER NOT NULL,
        train_loss   REAL,
        train_acc    REAL,
        val_loss     REAL,
        val_acc      REAL,
        duration_ms  INTEGER,
        PRIMARY KEY (run_id, epoch)
      ) WITHOUT ROWID;

      CREATE TABLE models (
        id             INTEGER PRIMARY KEY,
        run_id         INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        created_at     INTEGER NOT NULL,
        backbone_id    TEXT NOT NULL,
        preprocessing  TEXT NOT NULL,
        labels         TEXT NOT NULL,
        path           TEXT NOT NULL,
        metrics        TEXT
      );
      CREATE TABLE exports (
        id          INTEGER PRIMARY KEY,
        model_id    INTEGER REFERENCES models(id) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        format      TEXT NOT NULL,
        path        TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('done','failed')),
        parity      TEXT
      );

      -- Project settings (augmentation, preprocessing, split plan) as JSON per key.
      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },

  // 1 → 2: dataset curation — what import learns about each image, import runs and their
  // reports, watched folders, stored health reports.
  (db) => {
    db.exec(`
      -- Probe and pixel statistics, filled by import; the health check and split assignment
      -- read them instead of decoding every image again.
      ALTER TABLE images ADD COLUMN channels INTEGER;
      ALTER TABLE images ADD COLUMN orientation INTEGER;
      ALTER TABLE images ADD COLUMN dhash TEXT;        -- 64-bit difference hash, 16 hex digits
      ALTER TABLE images ADD COLUMN grayscale INTEGER CHECK (grayscale IN (0,1));
      ALTER TABLE images ADD COLUMN entropy REAL;      -- bits, luminance histogram of the thumbnail
      -- Who chose the split: a folder or CSV (kept), the seeded assignment, or the user.
      ALTER TABLE images ADD COLUMN split_source TEXT CHECK (split_source IN ('folder','csv','auto','user'));

      CREATE TABLE imports (
        id           INTEGER PRIMARY KEY,
        kind         TEXT    NOT NULL CHECK (kind IN ('folder','files','csv','watch')),
        source       TEXT    NOT NULL,
        layout       TEXT,
        status       TEXT    NOT NULL CHECK (status IN ('running','done','cancelled','failed','interrupted')),
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER,
        counts       TEXT,
        error        TEXT
      );
      -- Every file an import could not use, with the reason; kept per import run.
      CREATE TABLE import_problems (
        import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        path       TEXT    NOT NULL,
        reason     TEXT    NOT NULL,
        message    TEXT    NOT NULL,
        PRIMARY KEY (import_id, path)
      ) WITHOUT ROWID;

      CREATE TABLE watched_folders (
        id        INTEGER PRIMARY KEY,
        path      TEXT    NOT NULL UNIQUE,
        added_at  INTEGER NOT NULL
      );

      CREATE TABLE health_reports (
        id          INTEGER PRIMARY KEY,
        created_at  INTEGER NOT NULL,
        report      TEXT    NOT NULL
      );
    `);
  },
  // 2 → 3: the engine's embedding cache and per-run predictions.
  (db) => {
    db.exec(`
      -- Frozen-backbone features keyed by content, so duplicates and re-imports share them and a
      -- retrain after new labels embeds only what it has not seen. spec_hash covers the
      -- preprocessing (and, for augmented views, the augmentation settings and seed).
      CREATE TABLE embeddings (
        backbone_id  TEXT    NOT NULL,
        spec_hash    TEXT    NOT NULL,
        image_hash   TEXT    NOT NULL,
        view         INTEGER NOT NULL CHECK (view >= 0),
        dtype        TEXT    NOT NULL CHECK (dtype IN ('float32','float16')),
        data         BLOB    NOT NULL,
        PRIMARY KEY (backbone_id, spec_hash, image_hash, view)
      ) WITHOUT ROWID;

      CREATE TABLE predictions (
        run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        image_id        INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        class_id        INTEGER,
        confidence      REAL    NOT NULL,
        margin          REAL    NOT NULL,
        entropy         REAL    NOT NULL,
        probs           BLOB    NOT NULL,
        loss            REAL,
        oof_label_prob  REAL,
        PRIMARY KEY (run_id, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX predictions_margin ON predictions(run_id, margin);
      CREATE INDEX predictions_oof ON predictions(run_id, oof_label_prob);
    `);
  },
  // 3 → 4: the library sorts by file name. Each image keeps the name of the path the grid
  // shows (first present path), maintained by triggers so that every writer (importer, engine
  // worker, CLI, older code) keeps it right without knowing about it.
  (db) => {
    // Two steps per refresh: the chosen path with Windows separators made '/', then its last
    // segment (rtrim strips the file name's characters, leaving the folder part to skip).
    const refresh = (idExpr: string) => `
      UPDATE images SET name = replace(coalesce((SELECT p.path FROM image_paths p WHERE p.image_id = images.id
        ORDER BY p.present DESC, p.id LIMIT 1), ''), char(92), '/') WHERE id = ${idExpr};
      UPDATE images SET name = substr(name, length(rtrim(name, replace(name, '/', ''))) + 1) WHERE id = ${idExpr};`;
    db.exec(`
      ALTER TABLE images ADD COLUMN name TEXT NOT NULL DEFAULT '';
      ${refresh('images.id')}
      CREATE INDEX images_name ON images(name COLLATE NOCASE, id);
      CREATE TRIGGER image_paths_name_insert AFTER INSERT ON image_paths BEGIN ${refresh('NEW.image_id')} END;
      CREATE TRIGGER image_paths_name_update AFTER UPDATE OF path, present, image_id ON image_paths BEGIN
        ${refresh('OLD.image_id')} ${refresh('NEW.image_id')}
      END;
      CREATE TRIGGER image_paths_name_delete AFTER DELETE ON image_paths BEGIN ${refresh('OLD.image_id')} END;
    `);
  },
  // 4 → 5: exports of every kind (model formats, the dataset, predictions), each with what it
  // was made from, its options, its parity check and why it failed. The first schema's table
  // only knew model exports; its rows (if any) are kept as model exports.
  (db) => {
    db.exec(`
      CREATE TABLE exports_v5 (
        id          INTEGER PRIMARY KEY,
        kind        TEXT    NOT NULL CHECK (kind IN ('model','dataset','predictions')),
        format      TEXT    NOT NULL,
        run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        -- An export outlives the model row it came from: its files are the user's.
        model_id    INTEGER REFERENCES models(id) ON DELETE SET NULL,
        created_at  INTEGER NOT NULL,
        -- Relative to the project folder when inside it, else absolute.
        path        TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('done','failed')),
        options     TEXT,
        parity      TEXT,
        passed      INTEGER CHECK (passed IN (0,1)),
        bytes       INTEGER,
        summary     TEXT,
        error       TEXT
      );
      INSERT INTO exports_v5 (id, kind, format, model_id, created_at, path, status, parity)
        SELECT id, 'model', format, model_id, created_at, path, status, parity FROM exports;
      DROP TABLE exports;
      ALTER TABLE exports_v5 RENAME TO exports;
      CREATE INDEX exports_run ON exports(run_id);
    `);
  },
  // 5 → 6: the library filters and sorts by the newest run's predictions (predicted class,
  // confidence, loss) from indexes, not by reading every prediction's row.
  (db) => {
    db.exec(`
      CREATE INDEX predictions_class ON predictions(run_id, class_id);
      CREATE INDEX predictions_confidence ON predictions(run_id, confidence);
      CREATE INDEX predictions_loss ON predictions(run_id, loss);
    `);
  },
  // 6 → 7: frames recorded with the camera are labelled with source 'capture' (the person chose
  // the class while recording, so an import never moves them). SQLite cannot change a CHECK, so
  // the table is rebuilt; nothing references labels, so dropping the old one cascades nowhere.
  (db) => {
    db.exec(`
      CREATE TABLE labels_v7 (
        image_id    INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        class_id    INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
        source      TEXT    NOT NULL CHECK (source IN ('human','import','model','capture')),
        confidence  REAL,
        updated_at  INTEGER NOT NULL
      );
      INSERT INTO labels_v7 (image_id, class_id, source, confidence, updated_at)
        SELECT image_id, class_id, source, confidence, updated_at FROM labels;
      DROP TABLE labels;
      ALTER TABLE labels_v7 RENAME TO labels;
      CREATE INDEX labels_class ON labels(class_id);
    `);
  },
  // 7 → 8: an export is recorded when it starts ('running', answered to the channel that
  // started it) and settled when it ends; one cut off by a kill reads as 'interrupted' on the
  // next open, never as finished. finished_at is when it settled. The table is rebuilt for the
  // CHECK; nothing references exports.
  (db) => {
    db.exec(`
      CREATE TABLE exports_v8 (
        id           INTEGER PRIMARY KEY,
        kind         TEXT    NOT NULL CHECK (kind IN ('model','dataset','predictions')),
        format       TEXT    NOT NULL,
        run_id       INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        model_id     INTEGER REFERENCES models(id) ON DELETE SET NULL,
        created_at   INTEGER NOT NULL,
        path         TEXT    NOT NULL,
        status       TEXT    NOT NULL CHECK (status IN ('running','done','failed','cancelled','interrupted')),
        options      TEXT,
        parity       TEXT,
        passed       INTEGER CHECK (passed IN (0,1)),
        bytes        INTEGER,
        summary      TEXT,
        error        TEXT,
        finished_at  INTEGER
      );
      INSERT INTO exports_v8 (id, kind, format, run_id, model_id, created_at, path, status, options, parity, passed, bytes, summary, error, finished_at)
        SELECT id, kind, format, run_id, model_id, created_at, path, status, options, parity, passed, bytes, summary, error, created_at FROM exports;
      DROP TABLE exports;
      ALTER TABLE exports_v8 RENAME TO exports;
      CREATE INDEX exports_run ON exports(run_id);
    `);
  },
];

export const LATEST_VERSION = migrations.length;
