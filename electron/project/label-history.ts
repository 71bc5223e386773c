// How much the labels moved since a point in the label history: what a retrain measures to
// decide whether the previous run's head is still a fair starting point (engine/training/warm-start.ts).
import type { Db } from './database.js';

/**
 * The newest label action that is in effect (not undone): a bookmark in the history. New
 * actions get larger ids (undone ones, which a new action drops, are never below it), and a
 * redone action above it counts as a change after it.
 */
export function labelBookmark(db: Db): number {
  return (db.prepare('SELECT max(id) FROM label_actions WHERE undone = 0').pluck().get() as number | null) ?? 0;
}

/** Photos whose label changed (set, cleared or moved) by actions after `bookmark`. */
export function photosRelabeledSince(db: Db, bookmark: number): number {
  return db.prepare('SELECT count(DISTINCT image_id) FROM label_changes WHERE action_id > ?').pluck().get(bookmark) as number;
}
